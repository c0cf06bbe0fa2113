package io.memorystreamer.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnitsParseTest {

    @Test
    void sizesCountKilobytesAndUpInTenTwentyFours() {
        assertEquals(512, Units.parseBytes("--x", "512"));
        assertEquals(512, Units.parseBytes("--x", "512B"));
        assertEquals(64 * 1024, Units.parseBytes("--x", "64KB"));
        assertEquals(10L << 20, Units.parseBytes("--x", "10MB"));
        assertEquals(10L << 20, Units.parseBytes("--x", "10 mb"));
        assertEquals(10L << 20, Units.parseBytes("--x", "10MiB"));
        assertEquals(10L << 20, Units.parseBytes("--x", "10m"));
        assertEquals(1L << 30, Units.parseBytes("--x", "1GB"));
        assertEquals(3L << 29, Units.parseBytes("--x", "1.5GB"));
        assertEquals(1L << 40, Units.parseBytes("--x", "1TB"));
        assertEquals(1_048_576, Units.parseBytes("--x", "1_048_576"));
    }

    @Test
    void aBadSizeIsRefusedNamingTheOptionAndTheForms() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.parseBytes("--retention-bytes", "ten"));
        assertTrue(e.getMessage().startsWith("--retention-bytes 'ten' is not a size; expected a number of bytes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Units.parseBytes("--retention-bytes", "10XB"));
        assertTrue(e.getMessage().startsWith("--retention-bytes '10XB' has an unknown unit 'xb'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Units.parseBytes("--max-message-size", "0.3KB"));
        assertEquals("--max-message-size '0.3KB' is not a whole number of bytes (307.2)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Units.parseBytes("--x", "99999999TB"));
        assertEquals("--x '99999999TB' is too large", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Units.parseBytes("--x", "-1"));
        assertThrows(IllegalArgumentException.class, () -> Units.parseBytes("--x", ""));
    }

    @Test
    void durationsAreShortFormsOrIso8601() {
        assertEquals(Duration.ofDays(7), Units.parseDuration("--x", "7d"));
        assertEquals(Duration.ofHours(12), Units.parseDuration("--x", "12h"));
        assertEquals(Duration.ofMinutes(30), Units.parseDuration("--x", "30m"));
        assertEquals(Duration.ofMinutes(30), Units.parseDuration("--x", "30min"));
        assertEquals(Duration.ofSeconds(45), Units.parseDuration("--x", "45s"));
        assertEquals(Duration.ofMillis(500), Units.parseDuration("--x", "500ms"));
        assertEquals(Duration.ofMinutes(90), Units.parseDuration("--x", "1h30m"));
        assertEquals(Duration.ofMinutes(90), Units.parseDuration("--x", "1h 30m"));
        assertEquals(Duration.ofMinutes(90), Units.parseDuration("--x", "1.5h"));
        assertEquals(Duration.ofDays(14), Units.parseDuration("--x", "2w"));
        assertEquals(Duration.ofDays(7), Units.parseDuration("--x", "7 days"));
        assertEquals(Duration.ofDays(7), Units.parseDuration("--x", "P7D"));
        assertEquals(Duration.ofHours(12), Units.parseDuration("--x", "PT12H"));
        assertEquals(Duration.ofHours(12), Units.parseDuration("--x", "pt12h"));
    }

    @Test
    void aBadDurationIsRefusedNamingTheOptionAndTheForms() {
        for (String bad : List.of("7", "d", "7x", "7d3", "-7d", "P7", "soon")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.parseDuration("--retention-age", bad), bad);
            assertTrue(e.getMessage().startsWith("--retention-age '" + bad + "' "), e.getMessage());
            assertTrue(e.getMessage().contains("7d, 12h, 30m"), e.getMessage());
        }
        assertEquals("--retention-age '0.0001s' is not a whole number of milliseconds",
                assertThrows(IllegalArgumentException.class, () -> Units.parseDuration("--retention-age", "0.0001s")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Units.parseDuration("--retention-age", ""))
                .getMessage().startsWith("--retention-age is empty"));
    }

    @Test
    void countsAreWholeNumbersWithinBounds() {
        assertEquals(4, Units.parseCount("--shards", "4", 1, 1024));
        assertEquals("--shards must be from 1 to 1024, not 0",
                assertThrows(IllegalArgumentException.class, () -> Units.parseCount("--shards", "0", 1, 1024)).getMessage());
        assertEquals("--shards 'four' is not a whole number",
                assertThrows(IllegalArgumentException.class, () -> Units.parseCount("--shards", "four", 1, 1024)).getMessage());
    }

    @Test
    void timesAreIsoAndAgoIsRough() {
        assertEquals("2026-11-27T10:15:30.123Z", Units.time(java.time.Instant.parse("2026-11-27T10:15:30.123Z").toEpochMilli()));
        assertEquals("2026-11-27T10:15:30.000Z", Units.time(java.time.Instant.parse("2026-11-27T10:15:30Z").toEpochMilli()));
        long now = 1_000_000_000_000L;
        assertEquals("just now", Units.ago(now, now - 400));
        assertEquals("12 s ago", Units.ago(now, now - 12_000));
        assertEquals("5 min ago", Units.ago(now, now - 300_000));
        assertEquals("3 h ago", Units.ago(now, now - 3 * 3_600_000));
        assertEquals("4 d ago", Units.ago(now, now - 4 * 86_400_000L));
        assertEquals("in the future", Units.ago(now, now + 5_000));
    }

    @Test
    void commandLinesSplitOptionsFromArguments() {
        CommandLine line = CommandLine.parse(List.of("orders", "--shards", "4", "--header=a=1", "--header", "b=2", "--", "-x"),
                java.util.Set.of("--shards", "--header"), "usage");
        assertEquals("4", line.option("--shards"));
        assertEquals(List.of("a=1", "b=2"), line.options("--header"));
        assertEquals(List.of("orders", "-x"), line.positionals(1, "<a>", "<b>"));
        assertEquals("unknown option --shard\nusage", assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(List.of("--shard", "4"), java.util.Set.of("--shards"), "usage")).getMessage());
        assertEquals("option --shards needs a value\nusage", assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(List.of("orders", "--shards"), java.util.Set.of("--shards"), "usage")).getMessage());
        CommandLine twice = CommandLine.parse(List.of("--shards", "4", "--shards", "5"), java.util.Set.of("--shards"), "usage");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> twice.option("--shards")).getMessage()
                .startsWith("option --shards was given 2 times (4, 5)"));
        CommandLine none = CommandLine.parse(List.of(), java.util.Set.of(), "usage");
        assertEquals("missing <topic> <key>\nusage", assertThrows(IllegalArgumentException.class,
                () -> none.positionals(2, "<topic>", "<key>")).getMessage());
        assertTrue(CommandLine.parse(List.of("x", "--help"), java.util.Set.of(), "usage").help());
    }

    @Test
    void tablesAlignColumnsAndNumbersRight() {
        Table table = new Table("NAME", "COUNT", "NOTE").row("orders", 4, "a").row("audit-log", 1203, null);
        assertEquals("NAME       COUNT  NOTE\n"
                + "orders         4  a\n"
                + "audit-log   1203  -\n", table.toString());
    }
}
