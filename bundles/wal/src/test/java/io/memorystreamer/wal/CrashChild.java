package io.memorystreamer.wal;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The process {@link CrashRecoveryTest} kills: opens a log, appends from several threads as fast
 * as back-pressure lets it, and prints {@code ACK <stream> <offset> <position> ok} for a record
 * only once its {@link DurableCallback#onDurable} has fired. Nothing else goes to stdout.
 *
 * <p>Arguments: directory, durability, threads, segment size, records per thread. Stream {@code t}
 * is thread {@code t}'s, offsets dense from 0 (continuing after the records an earlier run left);
 * the payload is {@link #payload(long, long)}. It exits by itself only after a minute (in case
 * nobody kills it).
 */
public final class CrashChild {
    private CrashChild() {
    }

    static byte[] payload(long stream, long offset) {
        return WalTestSupport.bytes(stream, offset, 16 + (int) (offset * 37 % 200));
    }

    static LogConfig config(Path directory, Durability durability, int segmentSize) {
        return LogConfig.builder(directory).segmentSize(segmentSize).durability(durability).maxUnflushedBytes(1024 * 1024).build();
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        Durability durability = Durability.valueOf(args[1]);
        int threads = Integer.parseInt(args[2]);
        int segmentSize = Integer.parseInt(args[3]);
        int perThread = Integer.parseInt(args[4]);

        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("crash child: nobody killed me within a minute; exiting");
            Runtime.getRuntime().halt(3);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        BlockingQueue<String> acks = new LinkedBlockingQueue<>();
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false,
                StandardCharsets.US_ASCII);
        Thread printer = new Thread(() -> {
            List<String> lines = new ArrayList<>();
            try {
                while (true) {
                    lines.add(acks.take());
                    acks.drainTo(lines);
                    for (String line : lines) {
                        out.print(line);
                    }
                    out.flush();
                    lines.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ack-printer");
        printer.setDaemon(true);
        printer.start();

        WriteAheadLog log = WriteAheadLog.open(config(directory, durability, segmentSize));
        // a log left by an earlier run: each stream goes on after its last record
        long[] next = new long[threads];
        LogCursor cursor = log.cursor(0);
        while (cursor.poll(view -> next[(int) view.streamId()]++, 256) > 0) {
            // count
        }
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int stream = t;
            Thread producer = new Thread(() -> produce(log, stream, next[stream], next[stream] + perThread, acks), "producer-" + t);
            producers.add(producer);
            producer.start();
        }
        for (Thread producer : producers) {
            producer.join();
        }
        // done appending: wait to be killed (the log stays open, as in a running broker)
        TimeUnit.MINUTES.sleep(2);
    }

    private static void produce(WriteAheadLog log, long stream, long first, long count, BlockingQueue<String> acks) {
        try {
            LogAppender appender = log.appender();
            RecordBatch batch = new RecordBatch(1024);
            long offset = first;
            while (offset < count) {
                int records = offset % 5 == 2 ? (int) Math.min(1 + offset % 4, count - offset) : 1;
                long position;
                if (records == 1) {
                    position = appender.append(stream, offset, offset, null, null, payload(stream, offset));
                } else {
                    batch.clear();
                    for (long o = offset; o < offset + records; o++) {
                        batch.add(stream, o, o, (byte[]) null, null, payload(stream, o));
                    }
                    position = appender.append(batch);
                }
                if (position == WriteAheadLog.BACK_PRESSURED) {
                    Thread.sleep(0, 200_000);
                    continue;
                }
                DurableCallback ack = new Ack(stream, offset, records, acks);
                while (!log.whenDurable(position, ack)) {
                    Thread.sleep(1);
                }
                offset += records;
            }
        } catch (Throwable e) {
            System.err.println("crash child: producer of stream " + stream + " failed: " + e);
            e.printStackTrace();
            Runtime.getRuntime().halt(2);
        }
    }

    /** Acknowledges the records of one frame once it is durable. */
    private record Ack(long stream, long firstOffset, int records, BlockingQueue<String> acks) implements DurableCallback {
        @Override
        public void onDurable(long position, long durablePosition) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < records; i++) {
                lines.append("ACK ").append(stream).append(' ').append(firstOffset + i).append(' ').append(position).append(" ok\n");
            }
            acks.add(lines.toString());
        }

        @Override
        public void onFailure(long position, Throwable cause) {
            System.err.println("crash child: position " + position + " never became durable: " + cause);
        }
    }
}
