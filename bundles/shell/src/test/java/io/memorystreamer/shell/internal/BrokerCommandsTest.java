package io.memorystreamer.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.broker.Broker;
import io.memorystreamer.broker.BrokerException;
import io.memorystreamer.broker.ErrorCode;
import io.memorystreamer.broker.GroupDescription;
import io.memorystreamer.broker.MessageHandler;
import io.memorystreamer.broker.MessageHeaders;
import io.memorystreamer.broker.MessageView;
import io.memorystreamer.broker.PublishReceipt;
import io.memorystreamer.broker.Publisher;
import io.memorystreamer.broker.StartPosition;
import io.memorystreamer.broker.StreamDescription;
import io.memorystreamer.broker.Subscription;
import io.memorystreamer.broker.SubscriptionRequest;
import io.memorystreamer.broker.TopicDescription;
import io.memorystreamer.multiplexing.TopicSettings;
import io.memorystreamer.wal.Durability;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.CommandSessionImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code ms:} broker commands run in a real Gogo command processor (so option parsing and the
 * choice between overloads are Gogo's own) over a fake broker that records what it was asked.
 */
class BrokerCommandsTest {
    private static final long T0 = Instant.parse("2026-11-27T10:15:30Z").toEpochMilli();

    private final Map<String, TopicDescription> topics = new TreeMap<>();
    private final List<GroupDescription> groups = new ArrayList<>();
    private List<StreamDescription> streams = List.of();
    private Object[] streamsAsked;
    private TopicSettings altered;
    private Object[] sent;
    private CompletableFuture<PublishReceipt> sendAnswer;
    private boolean publisherClosed;
    private SubscriptionRequest subscribed;
    private List<MessageView> toDeliver = List.of();
    private final AtomicBoolean subscriptionClosed = new AtomicBoolean();

    private CommandProcessorImpl processor;
    private CommandSessionImpl session;

    @BeforeEach
    void startGogo() {
        Broker broker = Fakes.fake(Broker.class, brokerAnswers());
        processor = new CommandProcessorImpl(new ThreadIOImpl());
        processor.addConverter(new ShellFormatter());
        processor.addCommand("ms", new TopicCommands(broker), "topics");
        processor.addCommand("ms", new TopicCreateCommand(broker), "topic-create");
        processor.addCommand("ms", new TopicDeleteCommand(broker), "topic-delete");
        processor.addCommand("ms", new TopicConfigCommand(broker), "topic-config");
        processor.addCommand("ms", new StreamCommands(broker), "streams");
        processor.addCommand("ms", new PublishCommand(broker), "publish");
        processor.addCommand("ms", new TailCommand(broker), "tail");
        processor.addCommand("ms", new GroupCommands(broker), "groups");
        processor.addCommand("ms", new GroupCommands(broker), "group");
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()));
    }

    @AfterEach
    void stopGogo() {
        session.close();
        processor.stop();
    }

    private Map<String, Function<Object[], Object>> brokerAnswers() {
        Map<String, Function<Object[], Object>> answers = new HashMap<>();
        answers.put("topics", args -> List.copyOf(topics.values()));
        answers.put("topic", args -> Optional.ofNullable(topics.get((String) args[0])));
        answers.put("createTopic", args -> {
            TopicSettings settings = (TopicSettings) args[0];
            if (topics.containsKey(settings.name())) {
                throw new BrokerException(ErrorCode.TOPIC_EXISTS, "topic '" + settings.name() + "' exists already");
            }
            topics.put(settings.name(), describe(settings, 0));
            return topics.get(settings.name());
        });
        answers.put("alterTopic", args -> {
            TopicSettings settings = (TopicSettings) args[0];
            if (settings.durability() != topics.get(settings.name()).settings().durability()) {
                throw new BrokerException(ErrorCode.UNSUPPORTED_CHANGE, "topic '" + settings.name()
                        + "': durability and retention are fixed when the topic is created in this version; only maxMessageSize can change live");
            }
            altered = settings;
            topics.put(settings.name(), describe(settings, topics.get(settings.name()).streams()));
            return topics.get(settings.name());
        });
        answers.put("deleteTopic", args -> topics.remove((String) args[0]) != null);
        answers.put("streams", args -> {
            streamsAsked = args;
            return streams;
        });
        answers.put("publisher", args -> Fakes.fake(Publisher.class, Map.of(
                "send", sendArgs -> {
                    sent = sendArgs;
                    return sendAnswer;
                },
                "close", closeArgs -> {
                    publisherClosed = true;
                    return null;
                })));
        answers.put("subscribe", args -> {
            subscribed = (SubscriptionRequest) args[0];
            MessageHandler handler = (MessageHandler) args[1];
            List<MessageView> messages = toDeliver;
            Thread delivery = new Thread(() -> {
                for (int i = 0; i < messages.size() && i < subscribed.initialCredit() && !subscriptionClosed.get(); i++) {
                    handler.onMessage(messages.get(i));
                }
            }, "fake-delivery");
            delivery.start();
            return Fakes.fake(Subscription.class, Map.of("close", closeArgs -> {
                subscriptionClosed.set(true);
                return null;
            }, "isClosed", closedArgs -> subscriptionClosed.get()));
        });
        answers.put("groups", args -> List.copyOf(groups));
        answers.put("group", args -> groups.stream().filter(group -> group.name().equals(args[0])).findFirst());
        return answers;
    }

    private static TopicDescription describe(TopicSettings settings, long streamCount) {
        List<TopicDescription.Shard> shards = new ArrayList<>();
        for (int i = 0; i < settings.shardCount(); i++) {
            shards.add(new TopicDescription.Shard(i, 0, 4096 * (i + 1), 4096 * i, 1, 65536));
        }
        return new TopicDescription(settings, streamCount, shards);
    }

    private static MessageView message(String key, long offset, long time, Map<String, String> headers, byte[] payload) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        byte[] headerBytes = MessageHeaders.encode(headers);
        ByteBuffer buffer = ByteBuffer.allocate(keyBytes.length + headerBytes.length + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(keyBytes).put(headerBytes).put(payload);
        return new MessageView().wrap("orders", 1, 1000 + offset, offset, time, buffer.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN),
                0, keyBytes.length, keyBytes.length, headerBytes.length, keyBytes.length + headerBytes.length, payload.length);
    }

    private Object run(String line) throws Exception {
        return session.execute(line);
    }

    private String show(String line) throws Exception {
        return String.valueOf(session.format(run(line), Converter.INSPECT));
    }

    private String failure(String line) {
        Exception e = assertThrows(Exception.class, () -> run(line), line);
        assertTrue(e instanceof IllegalArgumentException || e instanceof IllegalStateException || e instanceof BrokerException,
                line + " threw " + e);
        return e.getMessage();
    }

    private void addOrders() {
        topics.put("orders", describe(TopicSettings.builder("orders").shardCount(2).retentionAge(Duration.ofDays(7)).build(), 3));
    }

    // ---- topics ----

    @Test
    void topicCreateBuildsTheSettingsFromWhatPeopleType() throws Exception {
        TopicView view = (TopicView) run("ms:topic-create orders --shards 4 --durability sync --retention-age 7d --retention-bytes 10MB"
                + " --max-message-size 2MB");
        TopicSettings settings = view.settings();
        assertEquals(4, settings.shardCount());
        assertEquals(Durability.SYNC, settings.durability());
        assertEquals(Duration.ofDays(7), settings.retentionAge());
        assertEquals(10L << 20, settings.retentionBytesPerShard());
        assertEquals(2 << 20, settings.maxMessageSize());
        String text = session.format(view, Converter.INSPECT).toString();
        assertTrue(text.startsWith("created topic orders\ntopic orders\n  shards:            4 (placement jump-xxhash64)\n"
                + "  durability:        SYNC (a publish completes after an fsync made for it"), text);
        assertTrue(text.contains("\n  retention:         deletes messages older than 7d, and a shard's oldest messages while it holds over"
                + " 10.0 MiB (whole segments at a time)\n"), text);
        assertTrue(text.contains("\n  max message size:  2.0 MiB (2097152 bytes of key, headers and payload together)\n"), text);
        assertTrue(text.contains("\n  on disk:           256.0 KiB in 4 segment files\n"), text);
        assertTrue(text.contains("    SHARD  SEGMENTS  BYTES     START  PUBLISHED  DURABLE\n"
                + "        0         1  64.0 KiB      0       4096        0\n"), text);

        TopicView defaults = (TopicView) run("ms:topic-create audit");
        assertEquals(TopicSettings.builder("audit").build(), defaults.settings());
        assertTrue(session.format(defaults, Converter.INSPECT).toString().contains("  retention:         keeps every message\n"));
    }

    @Test
    void topicCreateFailsWithOneLineNamingWhatAndWhy() throws Exception {
        assertEquals("--shards must be from 1 to 1024, not 0", failure("ms:topic-create orders --shards 0"));
        assertEquals("invalid topic setting of topic orders: durability must be one of none, batch or sync, not 'fast'",
                failure("ms:topic-create orders --durability fast"));
        assertTrue(failure("ms:topic-create orders --retention-age soon").startsWith("--retention-age 'soon' is not a duration"));
        assertTrue(failure("ms:topic-create orders --max-message-size 100").startsWith("invalid topic setting of topic orders: maxMessageSize"
                + " must be from"));
        assertEquals("--max-message-size must be from " + TopicSettings.MIN_MAX_MESSAGE_SIZE + " to 67108864 bytes (64.0 MiB), not 4GB",
                failure("ms:topic-create orders --max-message-size 4GB"));
        String badName = failure("ms:topic-create 'no spaces'");
        assertFalse(badName.contains("\n"), badName);
        run("ms:topic-create orders");
        assertEquals("topic 'orders' exists already", failure("ms:topic-create orders --shards 2"));
        assertTrue(failure("ms:topic-create orders --shard 2").startsWith("unknown option --shard\nusage: ms:topic-create <name> [options]"));
        assertTrue(failure("ms:topic-create").startsWith("missing <name>\n"));
        assertTrue(run("ms:topic-create --help").toString().startsWith(TopicCreateCommand.USAGE));
    }

    @Test
    void topicConfigShowsOrChangesAndSaysWhatChanged() throws Exception {
        addOrders();
        TopicView shown = (TopicView) run("ms:topic-config orders");
        assertNull(shown.headline());
        assertTrue(session.format(shown, Converter.INSPECT).toString().startsWith("topic orders\n  shards:            2"));

        TopicView changed = (TopicView) run("ms:topic-config orders --max-message-size 2MB");
        assertEquals(2 << 20, altered.maxMessageSize());
        assertEquals(Duration.ofDays(7), altered.retentionAge());
        assertEquals("changed topic orders: max message size 1.0 MiB -> 2.0 MiB", changed.headline());
        assertEquals(3, changed.topic().streams());

        altered = null;
        TopicView same = (TopicView) run("ms:topic-config orders --max-message-size 2MiB");
        assertNull(altered);
        assertEquals("topic orders already has these settings; nothing changed", same.headline());

        assertEquals("topic 'orders': durability and retention are fixed when the topic is created in this version; only maxMessageSize"
                + " can change live", failure("ms:topic-config orders --durability sync"));
        assertEquals("topic 'nope' does not exist; topics: orders", failure("ms:topic-config nope"));
        assertEquals(List.of("shards 1 -> 2", "durability BATCH -> NONE", "retention age none -> 7d",
                "retention bytes per shard none -> 1.0 GiB"), TopicOptions.changes(TopicSettings.builder("x").build(),
                        TopicSettings.builder("x").shardCount(2).durability(Durability.NONE).retentionAge(Duration.ofDays(7))
                                .retentionBytesPerShard(1L << 30).build()));
    }

    @Test
    void topicDeleteSaysWhetherItExisted() throws Exception {
        addOrders();
        assertEquals("deleted topic orders with its streams, logs and consumer groups\n", show("ms:topic-delete orders"));
        assertEquals("topic orders did not exist; nothing was deleted\n", show("ms:topic-delete orders"));
        assertFalse(((TopicDeletion) run("ms:topic-delete orders")).existed());
    }

    @Test
    void topicsAreListedInATable() throws Exception {
        assertEquals("no topics (ms:topic-create <name> makes one)\n", show("ms:topics"));
        addOrders();
        topics.put("audit", describe(TopicSettings.builder("audit").durability(Durability.SYNC).retentionBytesPerShard(1L << 30).build(), 0));
        assertEquals("2 topics\n"
                + "NAME    SHARDS  DURABILITY  RETENTION      MAX MESSAGE  STREAMS  ON DISK\n"
                + "audit        1  SYNC        1.0 GiB/shard  1.0 MiB            0  64.0 KiB\n"
                + "orders       2  BATCH       7d             1.0 MiB            3  128.0 KiB\n", show("ms:topics"));
    }

    // ---- streams ----

    @Test
    void streamsListsWithLimitAndPattern() throws Exception {
        addOrders();
        long now = System.currentTimeMillis();
        streams = List.of(new StreamDescription("customer/42", 7, 1, 17, 123456, now - 12_050),
                new StreamDescription("customer/43", 8, 0, 0, -1, 0));
        String text = show("ms:streams orders --limit 2");
        assertEquals("orders", streamsAsked[0]);
        assertNull(streamsAsked[1]);
        assertEquals(2, streamsAsked[2]);
        assertTrue(text.startsWith("the first 2 streams in topic orders, which has 3\n"
                + "KEY          SHARD  NEXT OFFSET  LAST POSITION  LAST ACTIVITY\n"
                + "customer/42      1           17         123456  " + Units.time(now - 12_050) + " (12 s ago)\n"
                + "customer/43      0            0              -  never\n"), text);
        assertTrue(text.endsWith("(stopped at --limit 2; there are more)\n"), text);

        StreamList matching = (StreamList) run("ms:streams orders 'customer/*'");
        assertEquals("customer/*", streamsAsked[1]);
        assertEquals(100, streamsAsked[2]);
        assertEquals("2 streams matching 'customer/*' in topic orders", matching.formatLine());

        assertEquals("--limit 'all' is not a whole number", failure("ms:streams orders --limit all"));
        assertEquals("topic 'nope' does not exist; topics: orders", failure("ms:streams nope"));
    }

    // ---- publish ----

    @Test
    void publishSendsTheTextWithHeadersAndShowsTheOffset() throws Exception {
        addOrders();
        sendAnswer = CompletableFuture.completedFuture(new PublishReceipt("orders", "customer/42", 17));
        PublishResult result = (PublishResult) run("ms:publish orders customer/42 'hello world' --header trace=abc --header source=shell");
        assertEquals("orders", sent[0]);
        assertEquals("customer/42", sent[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("trace", "abc");
        headers.put("source", "shell");
        assertEquals(headers, sent[2]);
        assertEquals(List.of(headers.keySet().toArray()), List.of(((Map<?, ?>) sent[2]).keySet().toArray()));
        assertEquals("hello world", new String((byte[]) sent[3], StandardCharsets.UTF_8));
        assertEquals(Duration.ofSeconds(PublishCommand.ROOM_SECONDS), sent[4]);
        assertTrue(publisherClosed);
        assertEquals(17, result.streamOffset());
        assertTrue(result.formatLine().startsWith("published to orders, stream customer/42, offset 17 (11 bytes, 2 headers; durable as BATCH"
                + " promises after "), result.formatLine());

        sendAnswer = CompletableFuture.completedFuture(new PublishReceipt("orders", "k", Publisher.DROPPED));
        assertEquals("an interceptor on topic orders dropped the message to stream k; nothing was appended\n", show("ms:publish orders k x"));

        sendAnswer = CompletableFuture.failedFuture(new BrokerException(ErrorCode.MESSAGE_TOO_LARGE, "the message has 2000000 bytes"));
        assertEquals("the message has 2000000 bytes", failure("ms:publish orders k x"));
        assertTrue(failure("ms:publish orders k x --header nameonly").startsWith("--header 'nameonly' must be name=value"));
        assertEquals("header a was given twice; a message carries each header once", failure("ms:publish orders k x --header a=1 --header a=2"));
        assertTrue(failure("ms:publish orders k").startsWith("missing <text>\n"));
        assertTrue(failure("ms:publish orders k hello world").startsWith("unexpected argument world (expected <topic> <key> <text>;"));
        assertEquals("topic 'nope' does not exist; topics: orders", failure("ms:publish nope k x"));
    }

    // ---- tail ----

    @Test
    void tailOfAKeySubscribesToItsStreamWithCreditForCount() throws Exception {
        addOrders();
        toDeliver = List.of(message("customer/42", 0, T0, Map.of("trace", "abc"), "first".getBytes(StandardCharsets.UTF_8)),
                message("customer/42", 1, T0 + 1, Map.of(), "line one\nline two".getBytes(StandardCharsets.UTF_8)),
                message("customer/42", 2, T0 + 2, Map.of(), new byte[] {(byte) 0xff, 0, 1}));
        TailResult result = (TailResult) run("ms:tail orders customer/42 --count 2");
        assertEquals(SubscriptionRequest.stream("orders", "customer/42").withCredit(2), subscribed);
        assertTrue(subscriptionClosed.get());
        assertEquals(TailResult.End.COUNT, result.end());
        assertEquals(2, result.messages().size());
        TailedMessage first = result.messages().get(0);
        assertEquals(new TailedMessage("customer/42", 1, 0, T0, Map.of("trace", "abc"), "first", 5, true), first);
        assertEquals("2 messages from topic orders, stream customer/42, from earliest\n"
                + "KEY          OFFSET  TIME                      HEADERS    PAYLOAD\n"
                + "customer/42       0  2026-11-27T10:15:30.000Z  trace=abc  first\n"
                + "customer/42       1  2026-11-27T10:15:30.001Z  -          line one\\nline two\n",
                session.format(result, Converter.INSPECT).toString());
    }

    @Test
    void tailOfAPatternOrTopicReturnsWhatCameWhenTheTimeoutPasses() throws Exception {
        addOrders();
        TailResult none = (TailResult) run("ms:tail orders 'customer/*' --from latest --timeout 0");
        assertEquals(SubscriptionRequest.pattern("orders", "customer/*").from(StartPosition.latest()).withCredit(10), subscribed);
        assertEquals(TailResult.End.TIMEOUT, none.end());
        assertTrue(none.formatLine().startsWith("no message from topic orders, streams matching 'customer/*', from latest (the timeout of 0ms"
                + " passed); from latest only what is published while it waits comes"), none.formatLine());

        subscriptionClosed.set(false);
        toDeliver = List.of(message("customer/42", 3, T0, Map.of(), new byte[] {(byte) 0xff, 0, 1}));
        TailResult some = (TailResult) run("ms:tail --count 5 --timeout 300ms --from 3 orders");
        assertEquals(SubscriptionRequest.topic("orders").from(StartPosition.offset(3)).withCredit(5), subscribed);
        assertEquals(TailResult.End.TIMEOUT, some.end());
        assertTrue(subscriptionClosed.get());
        assertEquals("0xff0001 (3 bytes, not UTF-8)", some.messages().get(0).payloadLine());
        assertEquals("1 of 5 messages from topic orders, from offset 3 (the timeout of 300ms passed)", some.formatLine());

        subscriptionClosed.set(true);
        TailResult closed = (TailResult) run("ms:tail orders --timeout 10");
        assertEquals(TailResult.End.CLOSED, closed.end());
        assertTrue(closed.formatLine().endsWith("(the broker closed the subscription: was the topic deleted?)"), closed.formatLine());

        assertTrue(failure("ms:tail orders --from yesterday").startsWith("invalid start position 'yesterday'"));
        assertEquals("--count must be from 1 to 100000, not 0", failure("ms:tail orders --count 0"));
        assertEquals("topic 'nope' does not exist; topics: orders", failure("ms:tail nope"));
    }

    @Test
    void longPayloadsAndControlCharactersStayOnOneLine() {
        assertEquals("a\\tb\\u0001", TailedMessage.oneLine("a\tb\u0001", 100));
        assertEquals("abcde... (26 chars)", TailedMessage.oneLine("abcdefghijklmnopqrstuvwxyz", 5));
        assertEquals("abcde", TailedMessage.oneLine("abcde", 5));
        assertNull(TailedMessage.utf8(new byte[] {(byte) 0xc3}));
        assertEquals("é", TailedMessage.utf8(new byte[] {(byte) 0xc3, (byte) 0xa9}));
    }

    // ---- groups ----

    @Test
    void groupsAndAGroupShowMembersLanesAndLag() throws Exception {
        assertEquals("no consumer groups (a group appears when its first member joins)\n", show("ms:groups"));
        assertEquals("consumer group 'billing' does not exist; there are no groups (a group appears when its first member joins)",
                failure("ms:group billing"));
        groups.add(new GroupDescription("billing", "orders", 2,
                List.of(new GroupDescription.Member("m-1", List.of("0.0", "0.1"), 120, 5000)),
                List.of(new GroupDescription.Lane(0, 0, "m-1", 4096), new GroupDescription.Lane(0, 1, "m-1", 0),
                        new GroupDescription.Lane(1, 0, null, 0), new GroupDescription.Lane(1, 1, null, 0)),
                List.of(new GroupDescription.StreamLag("customer/42", "0.0", 10, 12, 2),
                        new GroupDescription.StreamLag("customer/7", "1.0", 0, 40, 40)), 42));
        groups.add(new GroupDescription("audit", "orders", 1, List.of(), List.of(new GroupDescription.Lane(0, 0, null, 0)), List.of(), 5));
        assertEquals("2 consumer groups\n"
                + "NAME     TOPIC   MEMBERS  LANES  TOTAL LAG  NOTE\n"
                + "audit    orders        0      1          5  no members: nobody consumes, and the lag grows until a member joins\n"
                + "billing  orders        1      4         42  2 of 4 lanes have no owner: their streams are not consumed"
                + " (the group may be rebalancing)\n", show("ms:groups"));
        assertEquals("group billing\n"
                + "  topic:      orders\n"
                + "  members:    1\n"
                + "  lanes:      4 (2 per shard), 2 without an owner\n"
                + "  total lag:  42 messages\n"
                + "  note:       2 of 4 lanes have no owner: their streams are not consumed (the group may be rebalancing)\n"
                + "members:\n"
                + "  ID   SINCE HEARTBEAT  DELIVERED  LANES\n"
                + "  m-1  120ms                 5000  0.0 0.1\n"
                + "lanes (shard.lane):\n"
                + "  LANE  OWNER   COMMITTED POSITION\n"
                + "  0.0   m-1                   4096\n"
                + "  0.1   m-1                      0\n"
                + "  1.0   (none)                   0\n"
                + "  1.1   (none)                   0\n"
                + "streams (largest lag first):\n"
                + "  KEY          LANE  COMMITTED OFFSET  END OFFSET  LAG\n"
                + "  customer/7   1.0                  0          40   40\n"
                + "  customer/42  0.0                 10          12    2\n", show("ms:group billing"));
        assertEquals("consumer group 'nope' does not exist; groups: billing, audit", failure("ms:group nope"));
    }
}
