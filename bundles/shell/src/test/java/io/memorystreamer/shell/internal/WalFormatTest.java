package io.memorystreamer.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.wal.Durability;
import io.memorystreamer.wal.LogStats;
import io.memorystreamer.wal.RecoveryReport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WalFormatTest {

    @Test
    void sizesAndDurationsReadWell() {
        assertEquals("0 B", Units.bytes(0));
        assertEquals("1023 B", Units.bytes(1023));
        assertEquals("64.0 KiB", Units.bytes(65536));
        assertEquals("1.5 GiB", Units.bytes(3L << 29));
        assertEquals("?", Units.bytes(-1));
        assertEquals("0.412 ms", Units.millis(412_000));
        assertEquals("7d", Units.duration(Duration.ofDays(7)));
        assertEquals("1h 30min", Units.duration(Duration.ofMinutes(90)));
        assertEquals("2s 500ms", Units.duration(Duration.ofMillis(2_500)));
    }

    @Test
    void failureReasonIsTheFirstMessageWithoutClassNames() {
        String trace = "io.memorystreamer.wal.internal.InvalidLogSettingException: Invalid configuration x~y: 'segment.size' = '100'"
                + " must be from 65536 to 1073741824\n\tat io.memorystreamer.wal.internal.LogSettings.number(LogSettings.java:267)\n"
                + "Caused by: java.lang.IllegalArgumentException: invalid log setting: segmentSize must be ...\n\tat x.y(Z.java:1)\n";
        assertEquals("Invalid configuration x~y: 'segment.size' = '100' must be from 65536 to 1073741824", WalCommand.reason(trace));
        assertEquals("disk full", WalCommand.reason("java.lang.reflect.InvocationTargetException\n\tat a.b(C.java:1)\n"
                + "Caused by: java.io.IOException: disk full\n"));
        assertEquals("activation failed (see the broker's log)", WalCommand.reason(null));
    }

    @Test
    void segmentOfAPositionIsFoundByItsFirstPosition() {
        long[] bases = {0, 65536, 131072};
        assertEquals(0, WalVerifyCommand.segmentIndex(bases, 0));
        assertEquals(0, WalVerifyCommand.segmentIndex(bases, 65535));
        assertEquals(1, WalVerifyCommand.segmentIndex(bases, 65536));
        assertEquals(2, WalVerifyCommand.segmentIndex(bases, 200000));
        assertEquals("00000000000000065536.log", WalCommand.segmentFileName(65536));
    }

    @Test
    void aLogShowsItsStateRecoveryAndFiles() {
        LogStats stats = new LogStats("orders", "/data/wal/orders", Durability.BATCH, 2, 131072, new long[] {0, 65536}, 0, 70000,
                69000, 68000, 12, 412_000, 0, null);
        RecoveryReport report = new RecoveryReport("orders", 1, 100, 2, 2, 0, 100, 0, Duration.ofMillis(3),
                List.of("torn tail cut", "segment moved aside"));
        WalView view = new WalView(stats, report, "io.memorystreamer.wal.log~orders", "keeps everything", null, List.of(
                new WalView.SegmentFile("00000000000000000000.log", 0, 65536, false),
                new WalView.SegmentFile("00000000000000065536.log", 65536, 65536, true)));
        String text = view.formatFull();
        assertTrue(text.startsWith("log orders\n  configuration:   io.memorystreamer.wal.log~orders\n"), text);
        assertTrue(text.contains("  positions:       start 0, published 69000, durable 68000, tail 70000\n"), text);
        assertTrue(text.contains("  flush lag:       2.0 KiB (2000 bytes)\n"), text);
        assertTrue(text.contains("  fsyncs:          12, the last took 0.412 ms\n"), text);
        assertTrue(text.contains("\n                     torn tail cut\n                     segment moved aside\n"), text);
        assertTrue(text.contains("    00000000000000065536.log  65536..131072    64.0 KiB  active\n"), text);
        assertEquals(2000, view.flushLag());
        assertTrue(view.formatLine().endsWith("(recovery found problems)"), view.formatLine());

        WalList list = new WalList(List.of(view), List.of(new WalList.FailedLog("io.memorystreamer.wal.log~bad", "disk full")));
        String all = list.formatFull();
        assertTrue(all.startsWith("1 write-ahead log\n\nlog orders\n"), all);
        assertFalse(all.contains("segment files"), all);
        assertTrue(all.endsWith("configurations that opened no log:\n  io.memorystreamer.wal.log~bad: disk full\n"), all);
    }
}
