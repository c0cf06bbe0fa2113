package io.memorystreamer.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.broker.PublishInterceptor;
import io.memorystreamer.client.protocol.Codec;
import io.memorystreamer.client.protocol.FrameBody;
import io.memorystreamer.client.protocol.FrameWriter;
import io.memorystreamer.client.protocol.Handshake;
import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.client.protocol.ProtocolError;
import io.memorystreamer.client.protocol.Publishing;
import io.memorystreamer.client.protocol.Subscriptions;
import io.memorystreamer.client.protocol.TopicAdmin.Durability;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every error the server answers, as the client sees it: the code, the correlation id, whether
 * the connection is closed (only where docs/protocol.md §10 says so), that another open
 * connection keeps working, and that nothing of a refused request reached the log.
 */
class TransportErrorsTest extends TransportFixture {
    /** A frame with every header field chosen by the test; the body as given; a correct CRC. */
    private static ByteBuf frame(int version, int type, int flags, long correlationId, Consumer<ByteBuf> body) {
        ByteBuf out = Unpooled.buffer();
        int start = FrameWriter.begin(out, version, type, flags, correlationId);
        body.accept(out);
        FrameWriter.end(out, start);
        return out;
    }

    private static ByteBuf frame(FrameBody body, long correlationId) {
        ByteBuf out = Unpooled.buffer();
        FrameWriter.write(out, body, correlationId);
        return out;
    }

    /** Sends bytes on a fresh session and checks: ERROR with that code and id, then the connection closes. */
    private void closesWith(ByteBuf bytes, ProtocolError expected, long correlationId, boolean handshake) throws Exception {
        TestClient bystander = session();
        TestClient offender = handshake ? session() : connect();
        offender.sendRaw(bytes);
        TestClient.Reply reply = offender.nextOrphan();
        assertEquals(Protocol.ERROR, reply.type(), reply::toString);
        assertEquals(expected.code(), reply.error().code(), reply.error()::toString);
        assertEquals(correlationId, reply.correlationId(), "the ERROR's correlation id");
        offender.awaitClosed();
        Handshake.MetadataOk metadata = bystander.ok(new FrameBody.Empty(Protocol.METADATA));
        assertEquals(1, metadata.maxVersion(), "another connection keeps working");
        assertTrue(bystander.isOpen());
    }

    private static Publishing.Produce threeMessages(String topic) {
        return produce(topic, List.of(Out.of("a", "one"), Out.of("b", "two"), Out.of("c", "three")));
    }

    @Test
    void framesThatBreakTheProtocolCloseOnlyTheirConnection() throws Exception {
        start();
        TestClient admin = session();
        createTopic(admin, "t", 2, Durability.NONE, 0);

        ByteBuf badMagic = frame(new FrameBody.Empty(Protocol.METADATA), 5);
        badMagic.setShort(Protocol.MAGIC_OFFSET, 0x4D54);
        closesWith(badMagic, ProtocolError.MALFORMED_FRAME, 0, true);

        ByteBuf badCrc = frame(threeMessages("t"), 6);
        badCrc.setByte(badCrc.writerIndex() - 1, badCrc.getByte(badCrc.writerIndex() - 1) ^ 1);
        closesWith(badCrc, ProtocolError.MALFORMED_FRAME, 0, true);

        ByteBuf flipped = frame(threeMessages("t"), 7);
        flipped.setByte(Protocol.BODY_OFFSET + 3, flipped.getByte(Protocol.BODY_OFFSET + 3) ^ 0x40);
        closesWith(flipped, ProtocolError.MALFORMED_FRAME, 0, true);

        closesWith(Unpooled.buffer().writeInt(12).writeLong(0).writeInt(0), ProtocolError.MALFORMED_FRAME, 0, true);

        ByteBuf oversized = Unpooled.buffer().writeInt(Protocol.DEFAULT_MAX_FRAME_BYTES + 1).writeShort(Protocol.MAGIC)
                .writeByte(1).writeByte(Protocol.PRODUCE).writeShort(0).writeShort(0).writeLong(8);
        closesWith(oversized, ProtocolError.FRAME_TOO_LARGE, 8, true);

        closesWith(frame(1, 0x55, 0, 9, b -> { }), ProtocolError.UNKNOWN_TYPE, 9, true);
        closesWith(frame(1, Protocol.HELLO_OK, Protocol.FLAG_RESPONSE, 10, b -> { }), ProtocolError.UNKNOWN_TYPE, 10, true);
        closesWith(frame(1, Protocol.METADATA, 0x0002, 11, b -> { }), ProtocolError.MALFORMED_FRAME, 11, true);
        closesWith(frame(1, Protocol.METADATA, Protocol.FLAG_RESPONSE, 12, b -> { }), ProtocolError.MALFORMED_FRAME, 12, true);
        closesWith(frame(1, Protocol.METADATA, 0, 0, b -> { }), ProtocolError.MALFORMED_FRAME, 0, true);
        closesWith(rewriteCrc(frame(new FrameBody.Empty(Protocol.METADATA), 13), b -> b.setShort(Protocol.RESERVED_OFFSET, 1)),
                ProtocolError.MALFORMED_FRAME, 13, true);
        closesWith(frame(2, Protocol.METADATA, 0, 14, b -> { }), ProtocolError.UNSUPPORTED_VERSION, 14, true);
        closesWith(frame(1, Protocol.METADATA, 0, 15, b -> b.writeByte(0)), ProtocolError.MALFORMED_FRAME, 15, true);
        closesWith(frame(1, Protocol.PRODUCE, 0, 16, b -> {
            Codec.writeString(b, "t");
            b.writeLong(0);
            b.writeInt(2);
            Publishing.Produce.appendMessage(b, 0, "a".getBytes(StandardCharsets.UTF_8), null, "x".getBytes(StandardCharsets.UTF_8));
            b.writeLong(0).writeInt(1).writeByte('b').writeInt(-1).writeInt(1000);
        }), ProtocolError.MALFORMED_FRAME, 16, true);
        closesWith(frame(1, Protocol.SUBSCRIBE, 0, 17, b -> {
            b.writeInt(1);
            Codec.writeString(b, "t");
            b.writeByte(9);
        }), ProtocolError.MALFORMED_FRAME, 17, true);

        assertEquals(0, messagesInLog("t"), "nothing of a frame that broke the protocol reached the log");
        admin.ok(threeMessages("t"));
        assertEquals(3, messagesInLog("t"));
    }

    private static ByteBuf rewriteCrc(ByteBuf frame, Consumer<ByteBuf> change) {
        change.accept(frame);
        frame.writerIndex(frame.writerIndex() - Protocol.CRC_BYTES);
        ByteBuf copy = Unpooled.buffer();
        copy.writeBytes(frame);
        // FrameWriter.end appends the CRC and patches the length of the frame that starts at 0.
        FrameWriter.end(copy, 0);
        return copy;
    }

    @Test
    void theHandshakeComesFirstAndOnlyOnce() throws Exception {
        start();
        closesWith(frame(new FrameBody.Empty(Protocol.METADATA), 3), ProtocolError.HANDSHAKE_REQUIRED, 3, false);
        closesWith(frame(new Handshake.Hello(1, 1, "again", ""), 4), ProtocolError.HANDSHAKE_REQUIRED, 4, true);
        closesWith(frame(new Handshake.Hello(2, 3, "future", ""), 5), ProtocolError.UNSUPPORTED_VERSION, 5, false);
        closesWith(frame(1, Protocol.HELLO, 0, 6, b -> b.writeShort(1)), ProtocolError.MALFORMED_FRAME, 6, false);
        TestClient newer = connect();
        Handshake.HelloOk ok = newer.ok(new Handshake.Hello(1, 7, "newer", ""));
        assertEquals(1, ok.version(), "the highest version both speak");
    }

    @Test
    void tokenAuthentication() throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "s3cret-token\n");
        start(s -> s.withAuthTokenFile(tokenFile));
        TestClient good = connect();
        good.hello("s3cret-token");
        for (String token : new String[] {"", "wrong", "s3cret-token2"}) {
            TestClient bad = connect();
            TestClient.Reply reply = bad.call(new Handshake.Hello(1, 1, "bad", token));
            assertEquals(ProtocolError.NOT_AUTHENTICATED.code(), reply.error().code(), reply.error()::toString);
            bad.awaitClosed();
        }
        TestClient unauthenticated = connect();
        unauthenticated.sendRaw(frame(new FrameBody.Empty(Protocol.LIST_TOPICS), 2));
        assertEquals(ProtocolError.HANDSHAKE_REQUIRED.code(), unauthenticated.nextOrphan().error().code());
        unauthenticated.awaitClosed();
        good.ok(new FrameBody.Empty(Protocol.LIST_TOPICS));
    }

    @Test
    void tooManyConnections() throws Exception {
        start(s -> s.withMaxConnections(2));
        TestClient first = session();
        TestClient second = session();
        TestClient third = connect();
        TestClient.Reply refused = third.call(new Handshake.Hello(1, 1, "third", ""));
        assertEquals(ProtocolError.TOO_MANY_CONNECTIONS.code(), refused.error().code());
        third.awaitClosed();
        second.ok(new FrameBody.Empty(Protocol.METADATA));
        first.close();
        eventually("the server counts the closed connection", () -> server.connectionCount() < 2);
        session().ok(new FrameBody.Empty(Protocol.METADATA));
    }

    @Test
    void tooManyRequestsInFlightAreRefusedWithoutClosing() throws Exception {
        start(s -> s.withMaxInFlight(2));
        TestClient client = session();
        createTopic(client, "burst", 1, Durability.SYNC, 0);
        ByteBuf burst = Unpooled.buffer();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long id = 1000 + i;
            ids.add(id);
            FrameWriter.write(burst, produce("burst", List.of(Out.of("k", "m" + i))), id);
        }
        client.sendRaw(burst);
        int acked = 0;
        int refused = 0;
        for (int i = 0; i < 20; i++) {
            TestClient.Reply reply = client.nextOrphan();
            assertTrue(ids.contains(reply.correlationId()));
            if (reply.isError()) {
                assertEquals(ProtocolError.TOO_MANY_IN_FLIGHT.code(), reply.error().code());
                refused++;
            } else {
                assertEquals(Protocol.PRODUCE_ACK, reply.type());
                acked++;
            }
        }
        assertEquals(2, acked, "the first two, dispatched in one read, were in flight together");
        assertEquals(18, refused);
        assertTrue(client.isOpen());
        assertEquals(2, messagesInLog("burst"), "refused requests were not executed");
        client.ok(produce("burst", List.of(Out.of("k", "after"))));
    }

    @Test
    void invalidMessagesRefuseTheWholeRequestAndNothingReachesTheLog() throws Exception {
        start();
        TestClient client = session();
        createTopic(client, "strict", 2, Durability.BATCH, 1024);
        client.error(produce("nope", List.of(Out.of("a", "x"))), ProtocolError.UNKNOWN_TOPIC);
        FrameBody.ErrorBody error = client.error(produce("strict", List.of(Out.of("a", "ok"), Out.of("", "empty key"), Out.of("c", "ok"))),
                ProtocolError.INVALID_REQUEST);
        assertTrue(error.message().contains("message 1 of 3"), error.message());
        client.error(produce("strict", List.of(Out.of("a", "ok"), Out.of("x".repeat(256), "long key"))), ProtocolError.INVALID_REQUEST);
        client.error(produce("strict", List.of(Out.of("a", "ok"), new Out(0, "b", new byte[] {5, 0, 1}, "bad headers"))),
                ProtocolError.INVALID_REQUEST);
        error = client.error(produce("strict", List.of(Out.of("a", "ok"), Out.of("b", "ok"), Out.of("c", "x".repeat(2000)))),
                ProtocolError.MESSAGE_TOO_LARGE);
        assertTrue(error.message().contains("message 2 of 3"), error.message());
        broker.installInterceptors("strict", (PublishInterceptor) (topic, key, headers, payload) ->
                payload.remaining() == 6 ? PublishInterceptor.REJECT : PublishInterceptor.PASS);
        client.error(produce("strict", List.of(Out.of("a", "reject"))), ProtocolError.REJECTED);
        broker.installInterceptors("strict");
        assertEquals(0, messagesInLog("strict"), "nothing of a refused request reached the log");
        assertTrue(client.isOpen());
        client.ok(produce("strict", List.of(Out.of("a", "fine"))));
        assertEquals(List.of("a@0=fine"), readLog("strict", 1));
    }

    @Test
    void subscriptionErrorsKeepTheConnection() throws Exception {
        start();
        TestClient client = session();
        createTopic(client, "s", 1, Durability.NONE, 0);
        client.error(new Subscriptions.Unsubscribe(42), ProtocolError.UNKNOWN_SUBSCRIPTION);
        long credit = client.sendNoAnswer(new Subscriptions.Credit(42, 5));
        TestClient.Reply reply = client.nextOrphan();
        assertEquals(credit, reply.correlationId());
        assertEquals(ProtocolError.UNKNOWN_SUBSCRIPTION.code(), reply.error().code());
        client.ok(new Subscriptions.Subscribe(42, "s", Subscriptions.Kind.TOPIC, "", Subscriptions.StartKind.EARLIEST, 0, 0));
        client.error(new Subscriptions.Subscribe(42, "s", Subscriptions.Kind.TOPIC, "", Subscriptions.StartKind.EARLIEST, 0, 0),
                ProtocolError.INVALID_REQUEST);
        assertTrue(client.isOpen());
    }

    @Test
    void idempotenceErrors() throws Exception {
        start();
        TestClient client = session();
        createTopic(client, "idem", 1, Durability.BATCH, 0);
        client.error(produce("idem", 12345, List.of(Out.of(0, "a", "x"))), ProtocolError.UNKNOWN_PRODUCER);
        long producer = client.<Publishing.ProducerId>ok(new FrameBody.Empty(Protocol.INIT_PRODUCER)).producerId();
        assertTrue(producer != 0);
        client.error(produce("idem", producer, List.of(Out.of(0, "a", "x"), Out.of(2, "a", "gap"))), ProtocolError.OUT_OF_ORDER_SEQUENCE);
        client.error(produce("idem", producer, List.of(Out.of(5, "a", "x"))), ProtocolError.UNKNOWN_PRODUCER);
        client.ok(produce("idem", producer, List.of(Out.of(0, "a", "x"))));
        FrameBody.ErrorBody gap = client.error(produce("idem", producer, List.of(Out.of(0, "b", "y"), Out.of(3, "a", "gap"))),
                ProtocolError.OUT_OF_ORDER_SEQUENCE);
        assertTrue(gap.message().contains("sequence 1 is expected"), gap.message());
        client.error(produce("idem", producer, List.of(Out.of(1, "a", "y"), Out.of(1, "a", "y"))), ProtocolError.OUT_OF_ORDER_SEQUENCE);
        assertEquals(1, messagesInLog("idem"), "a refused request wrote nothing, not even its valid first message");
        assertTrue(client.isOpen());
    }
}
