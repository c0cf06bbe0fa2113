package io.memorystreamer.wal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Settings: defaults, and every bad value refused with a message that names the setting. */
class LogConfigTest {
    private static final Path DIR = Path.of("/tmp/ms-wal-config-test/shard-7");

    @Test
    void defaults() {
        LogConfig config = LogConfig.builder(DIR).build();
        assertEquals(DIR, config.directory());
        assertEquals("shard-7", config.name(), "the name defaults to the directory's name");
        assertEquals(64 * 1024 * 1024, config.segmentSize());
        assertEquals(1024 * 1024, config.maxRecordSize());
        assertEquals(Durability.BATCH, config.durability());
        assertEquals(1024 * 1024, config.flushBytes());
        assertEquals(Duration.ofMillis(5), config.flushInterval());
        assertEquals(64L * 1024 * 1024, config.maxUnflushedBytes());
        assertNull(config.retentionAge());
        assertEquals(0, config.retentionBytes());
        assertEquals(Duration.ofSeconds(1), config.retentionCheckInterval());
        assertTrue(config.preallocate());
        assertTrue(config.toString().contains("shard-7"), config.toString());
    }

    @Test
    void maxRecordSizeDefaultsToTheSegmentWhenASegmentIsSmallerThanOneMebibyte() {
        assertEquals(LogConfig.MIN_SEGMENT_SIZE, LogConfig.builder(DIR).segmentSize(LogConfig.MIN_SEGMENT_SIZE).build().maxRecordSize());
        LogConfig config = LogConfig.builder(DIR).name("n").segmentSize(128 * 1024).maxRecordSize(100).durability(Durability.SYNC)
                .flushBytes(7).flushInterval(Duration.ofMillis(1)).maxUnflushedBytes(100).retentionAge(Duration.ofDays(2))
                .retentionBytes(5).retentionCheckInterval(Duration.ofMillis(3)).preallocate(false).indexIntervalBytes(16).build();
        assertEquals("n", config.name());
        assertEquals(128 * 1024, config.segmentSize());
        assertEquals(100, config.maxRecordSize());
        assertEquals(Durability.SYNC, config.durability());
        assertEquals(7, config.flushBytes());
        assertEquals(Duration.ofMillis(1), config.flushInterval());
        assertEquals(100, config.maxUnflushedBytes());
        assertEquals(Duration.ofDays(2), config.retentionAge());
        assertEquals(5, config.retentionBytes());
        assertEquals(Duration.ofMillis(3), config.retentionCheckInterval());
        assertEquals(16, config.indexIntervalBytes());
        assertEquals(false, config.preallocate());
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                bad("segmentSize", b -> b.segmentSize(LogConfig.MIN_SEGMENT_SIZE - 16)),
                bad("segmentSize", b -> b.segmentSize(LogConfig.MIN_SEGMENT_SIZE + 8)),
                bad("segmentSize", b -> b.segmentSize(LogConfig.MAX_SEGMENT_SIZE + 16)),
                bad("segmentSize", b -> b.segmentSize(-65536)),
                bad("maxRecordSize", b -> b.maxRecordSize(63)),
                bad("maxRecordSize", b -> b.maxRecordSize(0)),
                bad("maxRecordSize", b -> b.segmentSize(LogConfig.MIN_SEGMENT_SIZE).maxRecordSize(LogConfig.MIN_SEGMENT_SIZE + 16)),
                bad("flushBytes", b -> b.flushBytes(0)),
                bad("flushBytes", b -> b.flushBytes(-1)),
                bad("flushInterval", b -> b.flushInterval(Duration.ZERO)),
                bad("flushInterval", b -> b.flushInterval(Duration.ofMillis(-1))),
                bad("maxUnflushedBytes", b -> b.maxRecordSize(4096).maxUnflushedBytes(4095)),
                bad("indexIntervalBytes", b -> b.indexIntervalBytes(15)),
                bad("retentionAge", b -> b.retentionAge(Duration.ZERO)),
                bad("retentionAge", b -> b.retentionAge(Duration.ofSeconds(-5))),
                bad("retentionBytes", b -> b.retentionBytes(-1)),
                bad("retentionCheckInterval", b -> b.retentionCheckInterval(Duration.ZERO)),
                bad("retentionCheckInterval", b -> b.retentionCheckInterval(Duration.ofMillis(-1))));
    }

    private static Arguments bad(String setting, UnaryOperator<LogConfig.Builder> change) {
        return Arguments.of(setting, change);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badSettings")
    void aBadSettingIsRefusedByName(String setting, UnaryOperator<LogConfig.Builder> change) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> change.apply(LogConfig.builder(DIR)).build());
        assertTrue(refused.getMessage().contains(setting + " "), "the message names " + setting + ": " + refused.getMessage());
    }

    @Test
    void nullsAreRefusedByName() {
        assertEquals("directory", assertThrows(NullPointerException.class, () -> LogConfig.builder(null)).getMessage());
        LogConfig.Builder builder = LogConfig.builder(DIR);
        assertEquals("durability", assertThrows(NullPointerException.class, () -> builder.durability(null)).getMessage());
        assertEquals("flushInterval", assertThrows(NullPointerException.class, () -> builder.flushInterval(null)).getMessage());
        assertEquals("retentionCheckInterval",
                assertThrows(NullPointerException.class, () -> builder.retentionCheckInterval(null)).getMessage());
    }

    @Test
    void aReusedBuilderDoesNotCarryTheDerivedMaxRecordSizeToASmallerSegment() {
        LogConfig.Builder builder = LogConfig.builder(DIR).segmentSize(1024 * 1024);
        assertEquals(1024 * 1024, builder.build().maxRecordSize());
        // maxRecordSize was never set: its default must follow the segment size of each build
        LogConfig smaller = assertDoesNotThrow(() -> builder.segmentSize(LogConfig.MIN_SEGMENT_SIZE).build(),
                "a setting the caller never made must not be refused");
        assertEquals(LogConfig.MIN_SEGMENT_SIZE, smaller.maxRecordSize());
    }

    @Test
    void aReusedBuilderDoesNotCarryTheDerivedMaxRecordSizeToALargerSegment() {
        LogConfig.Builder builder = LogConfig.builder(DIR).segmentSize(LogConfig.MIN_SEGMENT_SIZE);
        assertEquals(LogConfig.MIN_SEGMENT_SIZE, builder.build().maxRecordSize());
        assertEquals(1024 * 1024, builder.segmentSize(8 * 1024 * 1024).build().maxRecordSize(),
                "the default maxRecordSize of an 8 MiB segment is 1 MiB");
    }
}
