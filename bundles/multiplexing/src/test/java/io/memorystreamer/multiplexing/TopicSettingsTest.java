package io.memorystreamer.multiplexing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.wal.Durability;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Topic settings: defaults, every setting kept, every bad value refused with a message naming the setting. */
class TopicSettingsTest {

    @Test
    void defaults() {
        TopicSettings settings = TopicSettings.builder("orders").build();
        assertEquals("orders", settings.name());
        assertEquals(1, settings.shardCount());
        assertEquals(JumpHashPlacement.NAME, settings.placement());
        assertEquals(Durability.BATCH, settings.durability());
        assertNull(settings.retentionAge());
        assertEquals(0, settings.retentionBytesPerShard());
        assertEquals(1024 * 1024, settings.maxMessageSize());
        assertTrue(settings.toString().contains("orders") && settings.toString().contains("retentionAge=keep"), settings.toString());
    }

    @Test
    void everySettingIsKeptAndToBuilderCopiesThem() {
        TopicSettings settings = TopicSettings.builder("sensors").shardCount(1024).placement("kafka-murmur2")
                .durability(Durability.SYNC).retentionAge(Duration.ofDays(7)).retentionBytesPerShard(10L << 30)
                .maxMessageSize(TopicSettings.MAX_MAX_MESSAGE_SIZE).build();
        assertEquals(1024, settings.shardCount());
        assertEquals("kafka-murmur2", settings.placement());
        assertEquals(Durability.SYNC, settings.durability());
        assertEquals(Duration.ofDays(7), settings.retentionAge());
        assertEquals(10L << 30, settings.retentionBytesPerShard());
        assertEquals(64 * 1024 * 1024, settings.maxMessageSize());

        assertEquals(settings, settings.toBuilder().build());
        assertEquals(settings.hashCode(), settings.toBuilder().build().hashCode());
        TopicSettings grown = settings.toBuilder().shardCount(16).build();
        assertEquals(16, grown.shardCount());
        assertNotEquals(settings, grown);
        assertEquals(1024, settings.shardCount(), "the original is unchanged");
    }

    @Test
    void durabilityIsAlsoReadFromItsNameInAnyCase() {
        assertEquals(Durability.NONE, TopicSettings.builder("t").durability("none").build().durability());
        assertEquals(Durability.SYNC, TopicSettings.builder("t").durability(" Sync ").build().durability());
        assertEquals(Durability.BATCH, TopicSettings.builder("t").durability("BATCH").build().durability());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> TopicSettings.builder("t").durability("fsync"));
        assertEquals("invalid topic setting of topic t: durability must be one of none, batch or sync, not 'fsync'", refused.getMessage());
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                bad("shardCount", b -> b.shardCount(0)),
                bad("shardCount", b -> b.shardCount(-3)),
                bad("shardCount", b -> b.shardCount(1025)),
                bad("placement", b -> b.placement("")),
                bad("placement", b -> b.placement("Jump")),
                bad("placement", b -> b.placement("-jump")),
                bad("placement", b -> b.placement("jump hash")),
                bad("placement", b -> b.placement("p".repeat(65))),
                bad("retentionAge", b -> b.retentionAge(Duration.ZERO)),
                bad("retentionAge", b -> b.retentionAge(Duration.ofSeconds(-1))),
                bad("retentionAge", b -> b.retentionAge(Duration.ofNanos(1_500_000))),
                bad("retentionAge", b -> b.retentionAge(Duration.ofSeconds(Long.MAX_VALUE))),
                bad("retentionBytesPerShard", b -> b.retentionBytesPerShard(-1)),
                bad("maxMessageSize", b -> b.maxMessageSize(255)),
                bad("maxMessageSize", b -> b.maxMessageSize(0)),
                bad("maxMessageSize", b -> b.maxMessageSize(64 * 1024 * 1024 + 1)));
    }

    private static Arguments bad(String setting, UnaryOperator<TopicSettings.Builder> change) {
        return Arguments.of(setting, change);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badSettings")
    void aBadSettingIsRefusedByName(String setting, UnaryOperator<TopicSettings.Builder> change) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> change.apply(TopicSettings.builder("orders")).build());
        assertTrue(refused.getMessage().startsWith("invalid topic setting of topic orders: " + setting + " "),
                "the message names the topic and " + setting + ": " + refused.getMessage());
    }

    @Test
    void theBoundsThemselvesAreAccepted() {
        TopicSettings.builder("t").shardCount(1).maxMessageSize(256).retentionAge(Duration.ofMillis(1)).retentionBytesPerShard(1)
                .placement("a").build();
        TopicSettings.builder("t").shardCount(1024).maxMessageSize(64 << 20).retentionAge(TopicSettings.MAX_RETENTION_AGE)
                .placement("p".repeat(64)).build();
    }

    @Test
    void aBadNameIsRefusedByTheTopicNameRules() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> TopicSettings.builder("my topic").build());
        assertTrue(refused.getMessage().startsWith("invalid topic name \"my topic\""), refused.getMessage());
        assertEquals("name", assertThrows(NullPointerException.class, () -> TopicSettings.builder(null).build()).getMessage());
        assertEquals("placement", assertThrows(NullPointerException.class, () -> TopicSettings.builder("t").placement(null)).getMessage());
        assertEquals("durability",
                assertThrows(NullPointerException.class, () -> TopicSettings.builder("t").durability((Durability) null)).getMessage());
    }
}
