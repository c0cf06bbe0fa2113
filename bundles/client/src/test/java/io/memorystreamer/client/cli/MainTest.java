package io.memorystreamer.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.client.ClientConfig;
import io.memorystreamer.client.ConsumerConfig;
import io.memorystreamer.client.ConsumerRecord;
import io.memorystreamer.client.Durability;
import io.memorystreamer.client.StartPosition;
import io.memorystreamer.client.TopicDescription;
import io.memorystreamer.client.TopicOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private static Args parse(String... argv) {
        return Args.parse(argv, Main.FLAGS);
    }

    @Test
    void argsSplitWordsOptionsAndFlags() {
        Args args = parse("topic", "create", "orders", "--shards", "4", "--durability=sync", "--tls", "--", "--not-an-option");
        assertEquals(List.of("topic", "create", "orders", "--not-an-option"), args.positional());
        assertEquals("4", args.get("shards", null));
        assertEquals("sync", args.get("durability", null));
        assertTrue(args.has("tls"));
        assertTrue(parse("produce", "-h").has("help"));
        assertThrows(Args.UsageException.class, () -> parse("consume", "t", "--count"));
        assertThrows(Args.UsageException.class, () -> parse("consume", "t", "-x"));
        assertThrows(Args.UsageException.class, () -> parse("consume", "t", "--tls=yes"));
        assertThrows(Args.UsageException.class, () -> parse("consume", "t", "--bogus", "1").allowOnly(Set.of("count")));
    }

    @Test
    void sizesAndDurations() {
        assertEquals(1024, Units.size("1KB", "x"));
        assertEquals(1L << 30, Units.size("1GB", "x"));
        assertEquals(1L << 30, Units.size("1GiB", "x"));
        assertEquals(1L << 20, Units.size("1m", "x"));
        assertEquals(100, Units.size("100", "x"));
        assertThrows(Args.UsageException.class, () -> Units.size("1.5GB", "x"));
        assertThrows(Args.UsageException.class, () -> Units.size("99999999999999TB", "x"));
        assertEquals(Duration.ofDays(7), Units.duration("7d", "x"));
        assertEquals(Duration.ofMillis(500), Units.duration("500ms", "x"));
        assertEquals(Duration.ofMinutes(10), Units.duration("PT10M", "x"));
        assertEquals(Duration.ZERO, Units.duration("0", "x"));
        assertThrows(Args.UsageException.class, () -> Units.duration("soon", "x"));
        assertEquals("7d", Units.formatDuration(Duration.ofDays(7)));
        assertEquals("90m", Units.formatDuration(Duration.ofMinutes(90)));
        assertEquals("forever", Units.formatDuration(Duration.ZERO));
        assertEquals("1GB", Units.formatSize(1L << 30));
        assertEquals("1536KB", Units.formatSize(1536 * 1024));
        assertEquals("unlimited", Units.formatSize(0));
    }

    @Test
    void startPositions() {
        assertEquals(StartPosition.earliest(), Units.startPosition("earliest"));
        assertEquals(StartPosition.latest(), Units.startPosition("LATEST"));
        assertEquals(StartPosition.offset(42), Units.startPosition("42"));
        assertEquals(StartPosition.timestamp(Instant.parse("2024-05-01T12:00:00Z")), Units.startPosition("2024-05-01T12:00:00Z"));
        assertEquals(StartPosition.timestamp(Instant.parse("2024-05-01T10:00:00Z")), Units.startPosition("2024-05-01T12:00:00+02:00"));
        assertEquals(StartPosition.timestamp(1234), Units.startPosition("@1234"));
        assertThrows(Args.UsageException.class, () -> Units.startPosition("yesterday"));
    }

    @Test
    void topicOptionsFromTheCommandLine() {
        TopicOptions options = Main.topicOptions(parse("topic", "create", "t", "--shards", "4", "--durability", "sync", "--retention-age", "7d",
                "--retention-bytes", "1GB", "--max-message-size", "1MB"));
        assertEquals(new TopicOptions(4, Durability.SYNC, Duration.ofDays(7), 1L << 30, 1 << 20), options);
        assertEquals(TopicOptions.defaults(), Main.topicOptions(parse("topic", "create", "t")));
        assertThrows(Args.UsageException.class, () -> Main.topicOptions(parse("topic", "create", "t", "--durability", "always")));
        assertThrows(Args.UsageException.class, () -> Main.topicOptions(parse("topic", "create", "t", "--shards", "0")));
    }

    @Test
    void consumerConfigsFromTheCommandLine() {
        ConsumerConfig all = Main.consumerConfig(parse("consume", "orders", "--from", "earliest", "--count", "10"));
        assertEquals(ConsumerConfig.Target.TOPIC, all.target());
        assertEquals(StartPosition.earliest(), all.start());
        assertEquals(10, all.maxPollRecords());
        ConsumerConfig stream = Main.consumerConfig(parse("consume", "orders", "--stream", "customer/42", "--from", "7"));
        assertEquals(ConsumerConfig.Target.STREAM, stream.target());
        assertEquals("customer/42", stream.keyOrPattern());
        assertEquals(StartPosition.offset(7), stream.start());
        assertEquals(ConsumerConfig.Target.PATTERN, Main.consumerConfig(parse("consume", "orders", "--stream", "customer/*")).target());
        ConsumerConfig group = Main.consumerConfig(parse("consume", "orders", "--group", "billing"));
        assertEquals(ConsumerConfig.Target.GROUP, group.target());
        assertEquals("billing", group.group());
        assertEquals(StartPosition.latest(), group.start());
        assertThrows(Args.UsageException.class, () -> Main.consumerConfig(parse("consume", "orders", "--group", "g", "--stream", "k")));
        assertThrows(Args.UsageException.class, () -> Main.consumerConfig(parse("consume")));
    }

    @Test
    void brokerAddress(@TempDir Path home) throws Exception {
        assertEquals(new Main.HostPort("broker.example", 9600), Main.hostPort("broker.example:9600"));
        assertEquals(new Main.HostPort("broker.example", 9510), Main.hostPort("broker.example"));
        assertEquals(new Main.HostPort("::1", 9600), Main.hostPort("[::1]:9600"));
        assertThrows(Args.UsageException.class, () -> Main.hostPort("h:0"));
        assertThrows(Args.UsageException.class, () -> Main.hostPort(":9510"));

        assertEquals("127.0.0.1:9510", Main.defaultBroker(Map.of()));
        assertEquals("127.0.0.1:9510", Main.defaultBroker(Map.of("MS_HOME", home.toString())));
        Files.createDirectories(home.resolve("data"));
        Files.writeString(home.resolve("data/transport.port"), "40123\n");
        assertEquals("127.0.0.1:40123", Main.defaultBroker(Map.of("MS_HOME", home.toString())));

        Path token = home.resolve("token");
        Files.writeString(token, "s3cret\nignored\n");
        ClientConfig config = Main.clientConfig(parse("topic", "list", "--token-file", token.toString(), "--tls"), Map.of("MS_HOME", home.toString()));
        assertEquals(40123, config.port());
        assertEquals("s3cret", config.authToken());
        assertTrue(config.tls());
        ClientConfig explicit = Main.clientConfig(parse("topic", "list", "--broker", "10.0.0.1:9999"), Map.of("MS_HOME", home.toString()));
        assertEquals("10.0.0.1", explicit.host());
        assertEquals(9999, explicit.port());
        assertThrows(Args.UsageException.class, () -> Main.clientConfig(parse("topic", "list", "--token-file", home.resolve("none").toString()), Map.of()));
    }

    @Test
    void formats() {
        ConsumerRecord record = new ConsumerRecord("orders", "customer/42", 7, 1000, 0, new byte[0], "he said \"hi\"\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("he said \"hi\"\n", Format.record(record, Format.RecordFormat.TEXT));
        assertEquals("customer/42@7\the said \"hi\"\n", Format.record(record, Format.RecordFormat.KEYED));
        assertEquals("{\"topic\":\"orders\",\"key\":\"customer/42\",\"offset\":7,\"timestamp\":1000,\"shard\":0,\"payload\":\"he said \\\"hi\\\"\\n\"}",
                Format.record(record, Format.RecordFormat.JSON));
        assertEquals("\"\\u0001\"", Format.json("\u0001"));
        assertThrows(Args.UsageException.class, () -> Format.RecordFormat.parse("xml"));

        String table = Format.topicTable(List.of(new TopicDescription("orders", 4, Durability.SYNC, Duration.ofDays(7), 0, 0, 12, 4096),
                new TopicDescription("a-much-longer-name", 1, Durability.NONE, Duration.ZERO, 0, 0, 0, 0)));
        assertEquals("NAME                SHARDS  DURABILITY  RETENTION  STREAMS  BYTES\n"
                + "orders              4       sync        7d         12       4096\n"
                + "a-much-longer-name  1       none        forever    0        0\n", table);
        String described = Format.describe(new TopicDescription("orders", 4, Durability.BATCH, Duration.ofHours(12), 1L << 30, 1 << 20, 3, 10));
        assertTrue(described.contains("durability:        batch\n"), described);
        assertTrue(described.contains("retention bytes:   1GB per shard\n"), described);
        assertTrue(described.contains("max message size:  1MB\n"), described);
    }

    @Test
    void percentilesAreNearestRank() {
        long[] values = new long[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i + 1) * 1000L;
        }
        assertEquals(500_000, Format.percentile(values, values.length, 50));
        assertEquals(990_000, Format.percentile(values, values.length, 99));
        assertEquals(999_000, Format.percentile(values, values.length, 99.9));
        assertEquals(1_000_000, Format.percentile(values, values.length, 100));
        assertEquals(5, Format.percentile(new long[] {5}, 1, 99.9));
        assertEquals("latency (us): p50=500.0 p99=990.0 p99.9=999.0 max=1000.0 (1000 measured)", Bench.latencyLine(values.clone()));
    }

    @Test
    void helpUsageAndErrorsExitAsDocumented() {
        Outcome help = run("--help");
        assertEquals(0, help.exit);
        assertTrue(help.out.contains("topic create <name>"), help.out);
        for (String command : List.of("topic", "produce", "consume", "bench")) {
            Outcome each = run(command, "--help");
            assertEquals(0, each.exit, command);
            assertTrue(each.out.startsWith("Usage"), each.out);
            assertTrue(each.out.contains("--broker"), each.out);
        }
        Outcome none = run();
        assertEquals(2, none.exit);
        Outcome unknown = run("frobnicate");
        assertEquals(2, unknown.exit);
        assertEquals("memorystreamer: unknown command 'frobnicate' (see 'memorystreamer frobnicate --help')\n", unknown.err);
        Outcome badOption = run("topic", "create", "t", "--shards", "many");
        assertEquals(2, badOption.exit);
        assertTrue(badOption.err.startsWith("memorystreamer: --shards: a whole number above 0, not 'many'"), badOption.err);
        Outcome missing = run("topic", "describe");
        assertEquals(2, missing.exit);
        assertTrue(missing.err.contains("usage: memorystreamer topic describe <name>"), missing.err);
        Outcome unknownOption = run("produce", "t", "--durability", "sync");
        assertEquals(2, unknownOption.exit);
        assertTrue(unknownOption.err.contains("unknown option '--durability'"), unknownOption.err);
    }

    private record Outcome(int exit, String out, String err) {
    }

    private static Outcome run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(argv, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
