package io.memorystreamer.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteAheadLogSmokeTest {

    @Test
    void appendsRotateReadBackAndSurviveReopen(@TempDir Path dir) throws Exception {
        LogConfig config = LogConfig.builder(dir).segmentSize(64 * 1024).durability(Durability.BATCH).build();
        List<String> read = new ArrayList<>();
        long last;
        try (WriteAheadLog log = WriteAheadLog.open(config)) {
            LogAppender appender = log.appender();
            last = -1;
            for (int i = 0; i < 2000; i++) {
                last = appender.append(7, i, 1000 + i, null, null, ("message-" + i).getBytes(StandardCharsets.UTF_8));
                assertTrue(last >= 0);
            }
            CountDownLatch durable = new CountDownLatch(1);
            log.whenDurable(last, new DurableCallback() {
                @Override
                public void onDurable(long position, long durablePosition) {
                    durable.countDown();
                }

                @Override
                public void onFailure(long position, Throwable cause) {
                }
            });
            assertTrue(durable.await(10, TimeUnit.SECONDS));
            assertTrue(log.stats().segments() >= 2, "rotated: " + log.stats().segments());
            LogCursor cursor = log.cursor(0);
            while (cursor.poll(record -> read.add(record.payloadAsString()), 100) > 0) {
                // drain
            }
        }
        assertEquals(2000, read.size());
        assertEquals("message-1999", read.get(1999));
        try (WriteAheadLog log = WriteAheadLog.open(config)) {
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
            assertEquals(2000, log.recoveryReport().records());
            List<String> again = new ArrayList<>();
            LogCursor cursor = log.cursor(0);
            while (cursor.poll(record -> again.add(record.payloadAsString()), 100) > 0) {
                // drain
            }
            assertEquals(read, again);
            long next = log.appender().append(7, 2000, 3000, null, null, "after".getBytes(StandardCharsets.UTF_8));
            assertTrue(next > last);
        }
    }
}
