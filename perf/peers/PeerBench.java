import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Helpers of perf/peers/kafka-vs-memorystreamer.sh, run with Java's single-file source launcher
 * ({@code java -cp 'kafka-lib/*' PeerBench.java ...}); not part of the build.
 *
 * <ul>
 *   <li>{@code kafka-latency BOOTSTRAP TOPIC RATE SECONDS SIZE ACKS}: end-to-end latency through Kafka at a fixed
 *       rate, measured as {@code memorystreamer bench latency} measures it (each message carries its sequence
 *       number and the time it was scheduled to be sent; latency = arrival at the consumer - schedule; 1 s of
 *       warm-up not counted; same percentile definition). Kafka's own EndToEndLatency is closed-loop (one
 *       message at a time) and reports whole milliseconds, so it cannot be compared at a rate.</li>
 *   <li>{@code tcp-rtt COUNT SIZE}: round trip of SIZE bytes over a loopback TCP connection (TCP_NODELAY,
 *       blocking sockets, one echo thread), COUNT samples after COUNT/10 of warm-up.</li>
 * </ul>
 */
public final class PeerBench {
    private static final long SPIN_NANOS = 50_000;

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: PeerBench kafka-latency BOOTSTRAP TOPIC RATE SECONDS SIZE ACKS | tcp-rtt COUNT SIZE");
            System.exit(2);
        }
        switch (args[0]) {
            case "kafka-latency" -> System.exit(kafkaLatency(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]), args[6]));
            case "tcp-rtt" -> tcpRtt(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            default -> {
                System.err.println("unknown mode " + args[0]);
                System.exit(2);
            }
        }
    }

    static int kafkaLatency(String bootstrap, String topic, int rate, int seconds, int size, String acks) throws Exception {
        int warmup = 1;
        long total = (long) rate * (seconds + warmup);
        long measuredFrom = (long) rate * warmup;
        long[] latencies = new long[(int) (total - measuredFrom)];
        AtomicLong received = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Properties pp = new Properties();
        pp.put("bootstrap.servers", bootstrap);
        pp.put("acks", acks);
        pp.put("linger.ms", "0");
        pp.put("key.serializer", ByteArraySerializer.class.getName());
        pp.put("value.serializer", ByteArraySerializer.class.getName());
        Properties cp = new Properties();
        cp.put("bootstrap.servers", bootstrap);
        cp.put("enable.auto.commit", "false");
        cp.put("fetch.min.bytes", "1");
        cp.put("key.deserializer", ByteArrayDeserializer.class.getName());
        cp.put("value.deserializer", ByteArrayDeserializer.class.getName());
        System.out.printf(Locale.ROOT, "kafka latency: topic %s, acks=%s, %d msg/s for %d s (after %d s of warm-up), %d-byte messages%n",
                topic, acks, rate, seconds, warmup, size);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp); KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp)) {
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            long startOffset = consumer.position(tp); // resolves the end offset before anything is sent
            Thread consumerThread = new Thread(() -> {
                long deadline = Long.MAX_VALUE;
                while (received.get() + failed.get() < total) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                    long now = System.nanoTime();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        ByteBuffer b = ByteBuffer.wrap(r.value());
                        long seq = b.getLong(0);
                        if (seq >= measuredFrom && seq < total) {
                            latencies[(int) (seq - measuredFrom)] = now - b.getLong(8);
                        }
                        received.incrementAndGet();
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        if (deadline == Long.MAX_VALUE) {
                            deadline = System.nanoTime() + 30_000_000_000L;
                        } else if (System.nanoTime() > deadline) {
                            return;
                        }
                    }
                }
            }, "consumer");
            consumerThread.start();
            long start = System.nanoTime() + 10_000_000L;
            for (long i = 0; i < total; i++) {
                long scheduled = start + i * 1_000_000_000L / rate;
                awaitTime(scheduled);
                byte[] payload = new byte[size];
                ByteBuffer.wrap(payload).putLong(0, i).putLong(8, scheduled);
                producer.send(new ProducerRecord<>(topic, 0, null, payload), (md, e) -> {
                    if (e != null) {
                        failed.incrementAndGet();
                    }
                });
            }
            producer.flush();
            consumerThread.join(30_000);
            if (consumerThread.isAlive()) {
                consumerThread.interrupt();
                consumerThread.join();
            }
            long got = received.get();
            System.out.printf(Locale.ROOT, "sent %d from offset %d, received %d, failed %d%n", total, startOffset, got, failed.get());
            if (got < total) {
                System.out.println("incomplete: not every message arrived");
                return 1;
            }
            System.out.println(latencyLine(latencies));
            return failed.get() == 0 ? 0 : 1;
        }
    }

    static void tcpRtt(int count, int size) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.setTcpNoDelay(true);
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    byte[] buf = new byte[size];
                    while (true) {
                        in.readFully(buf);
                        out.write(buf);
                    }
                } catch (IOException end) {
                    // the client closed the connection
                }
            }, "echo");
            echo.setDaemon(true);
            echo.start();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                s.setTcpNoDelay(true);
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[size];
                int warm = count / 10;
                long[] rtt = new long[count];
                for (int i = 0; i < warm + count; i++) {
                    long t0 = System.nanoTime();
                    out.write(buf);
                    in.readFully(buf);
                    long t = System.nanoTime() - t0;
                    if (i >= warm) {
                        rtt[i - warm] = t;
                    }
                }
                System.out.printf(Locale.ROOT, "tcp loopback round trip, %d-byte messages, Java blocking sockets, TCP_NODELAY:%n", size);
                System.out.println(latencyLine(rtt));
            }
        }
    }

    /** The same line and percentile definition as {@code memorystreamer bench latency}. */
    static String latencyLine(long[] nanos) {
        Arrays.sort(nanos);
        int n = nanos.length;
        return String.format(Locale.ROOT, "latency (us): p50=%.1f p99=%.1f p99.9=%.1f max=%.1f (%d measured)",
                percentile(nanos, n, 50) / 1000.0, percentile(nanos, n, 99) / 1000.0, percentile(nanos, n, 99.9) / 1000.0,
                nanos[n - 1] / 1000.0, n);
    }

    static long percentile(long[] sorted, int count, double percentile) {
        int rank = (int) Math.ceil(percentile * count / 100.0 - 1e-9);
        return sorted[Math.min(count - 1, Math.max(0, rank - 1))];
    }

    private static void awaitTime(long deadline) {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            if (left > SPIN_NANOS + 10_000) {
                LockSupport.parkNanos(left - SPIN_NANOS);
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
