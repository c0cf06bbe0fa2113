package io.memorystreamer.client.cli;

import io.memorystreamer.client.ClientException;
import io.memorystreamer.client.Consumer;
import io.memorystreamer.client.ConsumerConfig;
import io.memorystreamer.client.Durability;
import io.memorystreamer.client.MemoryStreamerClient;
import io.memorystreamer.client.Producer;
import io.memorystreamer.client.ProducerConfig;
import io.memorystreamer.client.StartPosition;
import io.memorystreamer.client.TopicOptions;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** {@code bench latency} and {@code bench throughput}, each on a temporary topic it deletes after. */
final class Bench {
    /** The smallest message: a sequence number and a send time, 8 bytes each. */
    static final int MIN_SIZE = 16;

    /** What {@code bench latency} does. */
    record LatencySettings(int rate, int seconds, int size, Durability durability, int warmupSeconds) {
    }

    private Bench() {
    }

    /**
     * Publishes {@code rate} messages a second on one connection and receives them on another;
     * each message carries its sequence number and the time it was scheduled to be sent, and its
     * latency is the time from that schedule to its arrival at the consumer.
     */
    static int latency(Supplier<MemoryStreamerClient> connect, LatencySettings s, PrintStream out) {
        String topic = "bench-latency-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFL);
        long total = (long) s.rate() * (s.seconds() + s.warmupSeconds());
        long measuredFrom = (long) s.rate() * s.warmupSeconds();
        if (total - measuredFrom > Integer.MAX_VALUE - 8) {
            throw new Args.UsageException("too many messages to record: lower --rate or --seconds");
        }
        long[] latencies = new long[(int) (total - measuredFrom)];
        AtomicLong received = new AtomicLong();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        CountDownLatch allReceived = new CountDownLatch(1);
        out.printf(Locale.ROOT, "bench latency: topic %s, durability %s, %d msg/s for %d s (after %d s of warm-up), %d-byte messages%n", topic,
                s.durability().name().toLowerCase(Locale.ROOT), s.rate(), s.seconds(), s.warmupSeconds(), s.size());
        out.flush();
        try (MemoryStreamerClient producerClient = connect.get(); MemoryStreamerClient consumerClient = connect.get()) {
            producerClient.admin().createTopic(topic, TopicOptions.builder().durability(s.durability()).build());
            try {
                Consumer consumer = consumerClient.consumer(ConsumerConfig.topic(topic).startAt(StartPosition.earliest()).maxBuffered(16_384)
                        .listener(record -> {
                            long now = System.nanoTime();
                            ByteBuffer payload = ByteBuffer.wrap(record.payload());
                            long sequence = payload.getLong(0);
                            long scheduled = payload.getLong(8);
                            if (sequence >= measuredFrom && sequence < total) {
                                latencies[(int) (sequence - measuredFrom)] = now - scheduled;
                            }
                            if (received.incrementAndGet() == total) {
                                allReceived.countDown();
                            }
                        }).build());
                Producer producer = producerClient.producer(ProducerConfig.builder().linger(Duration.ZERO).build());
                long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
                for (long i = 0; i < total; i++) {
                    long scheduled = start + i * 1_000_000_000L / s.rate();
                    awaitTime(scheduled);
                    byte[] payload = new byte[s.size()];
                    ByteBuffer.wrap(payload).putLong(0, i).putLong(8, scheduled);
                    try {
                        producer.send(topic, "bench", payload).whenComplete((ack, error) -> {
                            if (error != null) {
                                failed.incrementAndGet();
                                firstFailure.compareAndSet(null, error.getMessage());
                            }
                        });
                    } catch (ClientException e) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, e.getMessage());
                    }
                }
                producer.flush();
                boolean complete = allReceived.await(30, TimeUnit.SECONDS) || received.get() + failed.get() >= total;
                producer.close();
                consumer.close();
                long got = received.get();
                out.printf(Locale.ROOT, "sent %d, received %d, failed %d, lost %d%n", total, got, failed.get(), Math.max(0, total - got - failed.get()));
                int measured = (int) Math.max(0, Math.min(latencies.length, got - measuredFrom));
                if (!complete || measured < latencies.length) {
                    out.println("incomplete: not every message arrived" + (firstFailure.get() == null ? "" : "; first failure: " + firstFailure.get()));
                    return Main.FAILED;
                }
                out.println(latencyLine(latencies));
                return failed.get() == 0 ? Main.OK : Main.FAILED;
            } finally {
                deleteQuietly(producerClient, topic);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(ClientException.INTERRUPTED, "interrupted", e);
        }
    }

    /** @return {@code latency (us): p50=.. p99=.. p99.9=.. max=.. (n measured)} for the values in nanoseconds (sorted in place) */
    static String latencyLine(long[] nanos) {
        Arrays.sort(nanos);
        int n = nanos.length;
        return String.format(Locale.ROOT, "latency (us): p50=%.1f p99=%.1f p99.9=%.1f max=%.1f (%d measured)",
                Format.percentile(nanos, n, 50) / 1000.0, Format.percentile(nanos, n, 99) / 1000.0, Format.percentile(nanos, n, 99.9) / 1000.0,
                nanos[n - 1] / 1000.0, n);
    }

    /**
     * Sleeps until {@code deadline}. It does not spin: on a small machine a spinning sender takes
     * CPU from the broker and the consumer it measures (at 100,000 msg/s, where messages are 10 µs
     * apart, it spun all the time). A sleep ends up to some tens of
     * microseconds late; the messages due by then leave together, and the lateness counts in their
     * latency (measured from the schedule).
     */
    private static void awaitTime(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    /**
     * Each producer (one connection each) publishes as fast as its buffer lets it for the time
     * given, then waits for every acknowledgement; prints messages/s and MB/s acknowledged.
     */
    static int throughput(Supplier<MemoryStreamerClient> connect, int producers, int seconds, int size, Durability durability, PrintStream out) {
        String topic = "bench-throughput-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFL);
        out.printf(Locale.ROOT, "bench throughput: topic %s, durability %s, %d producer(s), %d-byte messages, %d s%n", topic,
                durability.name().toLowerCase(Locale.ROOT), producers, size, seconds);
        out.flush();
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        try (MemoryStreamerClient admin = connect.get()) {
            admin.admin().createTopic(topic, TopicOptions.builder().shards(producers).durability(durability).build());
            try {
                List<MemoryStreamerClient> clients = new ArrayList<>();
                try {
                    for (int p = 0; p < producers; p++) {
                        clients.add(connect.get());
                    }
                    byte[] payload = new byte[size];
                    long start = System.nanoTime();
                    long end = start + TimeUnit.SECONDS.toNanos(seconds);
                    List<Thread> threads = new ArrayList<>();
                    for (int p = 0; p < producers; p++) {
                        MemoryStreamerClient client = clients.get(p);
                        String prefix = "p" + p + "/";
                        Thread thread = new Thread(() -> {
                            try (Producer producer = client.producer(ProducerConfig.builder().bufferBytes(16L << 20).build())) {
                                long i = 0;
                                while ((i & 255) != 0 || System.nanoTime() - end < 0) {
                                    try {
                                        producer.send(topic, prefix + (i & 15), payload).whenComplete((ack, error) -> {
                                            if (error == null) {
                                                acked.incrementAndGet();
                                            } else {
                                                failed.incrementAndGet();
                                                firstFailure.compareAndSet(null, error.getMessage());
                                            }
                                        });
                                    } catch (ClientException e) {
                                        failed.incrementAndGet();
                                        firstFailure.compareAndSet(null, e.getMessage());
                                    }
                                    i++;
                                }
                                producer.flush();
                            }
                        }, "bench-producer-" + p);
                        threads.add(thread);
                        thread.start();
                    }
                    for (Thread thread : threads) {
                        thread.join();
                    }
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    long messages = acked.get();
                    out.printf(Locale.ROOT, "acknowledged %d messages in %.2f s: %.0f msg/s, %.1f MB/s (failed %d)%n", messages, elapsed,
                            messages / elapsed, messages * (double) size / elapsed / 1e6, failed.get());
                    if (firstFailure.get() != null) {
                        out.println("first failure: " + firstFailure.get());
                    }
                    return failed.get() == 0 ? Main.OK : Main.FAILED;
                } finally {
                    for (MemoryStreamerClient client : clients) {
                        client.close();
                    }
                }
            } finally {
                deleteQuietly(admin, topic);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(ClientException.INTERRUPTED, "interrupted", e);
        }
    }

    private static void deleteQuietly(MemoryStreamerClient client, String topic) {
        try {
            client.admin().deleteTopic(topic);
        } catch (ClientException e) {
            System.err.println("memorystreamer: could not delete the temporary topic " + topic + ": " + e.getMessage());
        }
    }
}
