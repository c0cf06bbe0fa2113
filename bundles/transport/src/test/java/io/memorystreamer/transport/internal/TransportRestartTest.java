package io.memorystreamer.transport.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.broker.PublishInterceptor;
import io.memorystreamer.broker.internal.LocalBroker;
import io.memorystreamer.client.protocol.FrameBody;
import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.client.protocol.ProtocolError;
import io.memorystreamer.client.protocol.Publishing;
import io.memorystreamer.client.protocol.Publishing.AckStatus;
import io.memorystreamer.client.protocol.TopicAdmin.Durability;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Idempotent producers across a restart of the server: a clean stop answers what it read and
 * saves the producers' state; the next start takes it, so resends are DUPLICATE, never written
 * twice; a crash (no state saved) or a corrupt file means starting empty (UNKNOWN_PRODUCER).
 */
class TransportRestartTest extends TransportFixture {
    private static final int REQUESTS = 8;
    private static final int KEYS = 4;

    /** Request r holds sequence r of keys k0..k3, with payload "r/k". */
    private static Publishing.Produce request(long producer, int r) {
        List<Out> messages = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            messages.add(Out.of(r, "k" + k, r + "/" + k));
        }
        return produce("restart", producer, messages);
    }

    @Test
    void aCleanStopAnswersWhatItReadAndResendsAfterTheRestartAreDuplicatesWithTheOriginalOffsets() throws Exception {
        start();
        TestClient admin = session();
        createTopic(admin, "restart", 1, Durability.SYNC, 0);
        long producer = admin.<Publishing.ProducerId>ok(new FrameBody.Empty(Protocol.INIT_PRODUCER)).producerId();
        long unused = admin.<Publishing.ProducerId>ok(new FrameBody.Empty(Protocol.INIT_PRODUCER)).producerId();

        // Request 2 is held inside the broker's publish call when the stop begins: certainly in flight.
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean held = new AtomicBoolean();
        broker.installInterceptors("restart", (PublishInterceptor) (topic, key, headers, payload) -> {
            if (StandardCharsets.UTF_8.decode(payload).toString().equals("2/0") && held.compareAndSet(false, true)) {
                holding.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return PublishInterceptor.PASS;
        });
        TestClient client = session();
        List<CompletableFuture<TestClient.Reply>> answers = new ArrayList<>();
        for (int r = 0; r < REQUESTS; r++) {
            answers.add(client.send(request(producer, r)));
        }
        assertTrue(holding.await(15, TimeUnit.SECONDS), "request 2 reaches the broker");
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
            try {
                stopCleanly();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertFalse(stopped.isDone(), "the stop waits for the request in flight");
        release.countDown();
        stopped.get(30, TimeUnit.SECONDS);
        client.awaitClosed();

        TestClient.Reply heldAnswer = answers.get(2).getNow(null);
        assertTrue(heldAnswer != null && heldAnswer.type() == Protocol.PRODUCE_ACK, "the request in flight at the stop was answered: " + heldAnswer);
        List<List<Long>> originalOffsets = new ArrayList<>();
        for (int r = 0; r < REQUESTS; r++) {
            TestClient.Reply reply = answers.get(r).getNow(null);
            if (reply == null) {
                originalOffsets.add(null); // not read before the stop: never executed
                continue;
            }
            assertEquals(Protocol.PRODUCE_ACK, reply.type(), reply::toString);
            Publishing.ProduceAck ack = (Publishing.ProduceAck) reply.body();
            assertTrue(ack.acks().stream().allMatch(a -> a.status() == AckStatus.WRITTEN), ack::toString);
            originalOffsets.add(ack.acks().stream().map(Publishing.Ack::streamOffset).toList());
        }
        assertTrue(Files.exists(stateFile()), "a clean stop saves the producers' state");

        // Restart the broker too, as bin/memorystreamer stop and start do.
        broker.close();
        broker = LocalBroker.open(brokerConfig());
        startFromStateFile();
        assertFalse(Files.exists(stateFile()), "the state file is taken (deleted) at the start");
        assertEquals(KEYS, producers.streamCount());

        // The client did not get (or lost) its answers: it resends everything on a new connection.
        TestClient again = session();
        for (int r = 0; r < REQUESTS; r++) {
            Publishing.ProduceAck ack = again.ok(request(producer, r));
            List<Long> offsets = ack.acks().stream().map(Publishing.Ack::streamOffset).toList();
            if (originalOffsets.get(r) != null) {
                assertTrue(ack.acks().stream().allMatch(a -> a.status() == AckStatus.DUPLICATE), "request " + r + ": " + ack);
                assertEquals(originalOffsets.get(r), offsets, "request " + r + " carries the original offsets");
            }
            assertEquals(List.of((long) r, (long) r, (long) r, (long) r), offsets, "request " + r + ": sequence r is at offset r");
        }
        Publishing.ProduceAck next = again.ok(request(producer, REQUESTS));
        assertTrue(next.acks().stream().allMatch(a -> a.status() == AckStatus.WRITTEN), next::toString);
        List<String> expected = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            for (int r = 0; r <= REQUESTS; r++) {
                expected.add("k" + k + "@" + r + "=" + r + "/" + k);
            }
        }
        assertEquals(expected, readLog("restart", expected.size()).stream().sorted().toList(), "exactly one copy of each");
        assertEquals(expected.size(), messagesInLog("restart"));

        // An id issued before the stop but never used stays valid; one never issued does not.
        again.ok(produce("restart", unused, List.of(Out.of(0, "u", "unused"))));
        again.error(produce("restart", unused + 1, List.of(Out.of(0, "u", "forged"))), ProtocolError.UNKNOWN_PRODUCER);
        long fresh = again.<Publishing.ProducerId>ok(new FrameBody.Empty(Protocol.INIT_PRODUCER)).producerId();
        assertTrue(fresh > unused + 1, "ids after the restart follow the saved ones");

        // A crash now (nothing saved): the file taken at the start does not come back.
        server.close();
        server = null;
        startFromStateFile();
        TestClient afterCrash = session();
        afterCrash.error(request(producer, REQUESTS + 1), ProtocolError.UNKNOWN_PRODUCER);
    }

    @Test
    void aCorruptStateFileIsReportedMovedAsideAndTheProducersStartEmpty() throws Exception {
        start();
        TestClient client = session();
        createTopic(client, "restart", 1, Durability.NONE, 0);
        long producer = client.<Publishing.ProducerId>ok(new FrameBody.Empty(Protocol.INIT_PRODUCER)).producerId();
        client.ok(request(producer, 0));
        stopCleanly();
        byte[] bytes = Files.readAllBytes(stateFile());
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(stateFile(), bytes);

        String log = capturingStandardError(() -> startFromStateFile());
        assertTrue(log.contains("WARN") && log.contains(stateFile().toString()) && log.contains("CRC32C"), log);
        assertFalse(Files.exists(stateFile()));
        assertArrayEquals(bytes, Files.readAllBytes(stateFile().resolveSibling(ProducerStateFile.NAME + ".corrupt")), "kept aside for a look");
        assertEquals(0, producers.producerCount());
        TestClient after = session();
        after.error(request(producer, 1), ProtocolError.UNKNOWN_PRODUCER);
        long fresh = after.<Publishing.ProducerId>ok(new FrameBody.Empty(Protocol.INIT_PRODUCER)).producerId();
        after.ok(request(fresh, 0));
    }

    @Test
    void theFileRoundTripsAndEveryKindOfDamageIsNamed() throws Exception {
        Producers.SavedStream stream = new Producers.SavedStream("töpic", "key/ü".getBytes(StandardCharsets.UTF_8), 10,
                new long[] {2, 3, 4, 5, 6, 7, Publishing.UNKNOWN_OFFSET, 9});
        Producers.Saved saved = new Producers.Saved(5, 7, 3, List.of(new Producers.SavedProducer(7L << 20 | 3, 1234, List.of(stream)),
                new Producers.SavedProducer(6L << 20 | 1, 0, List.of())));
        ProducerStateFile.save(stateFile(), saved);
        byte[] good = Files.readAllBytes(stateFile());
        Producers.Saved read = ProducerStateFile.take(stateFile());
        assertFalse(Files.exists(stateFile()));
        assertEquals(5, read.firstBase());
        assertEquals(7, read.lastBase());
        assertEquals(3, read.lastCounter());
        assertEquals(2, read.producers().size());
        Producers.SavedProducer first = read.producers().get(0);
        assertEquals(7L << 20 | 3, first.id());
        assertEquals(1234, first.idleMillis());
        Producers.SavedStream back = first.streams().get(0);
        assertEquals("töpic", back.topic());
        assertArrayEquals(stream.key(), back.key());
        assertEquals(10, back.expected());
        assertArrayEquals(stream.offsets(), back.offsets());

        assertNull(ProducerStateFile.take(stateFile()), "no file: start empty");
        assertTrue(message(new byte[10]).contains("fewer than"));
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertTrue(message(magic).contains("magic number"));
        byte[] truncated = resealed(java.util.Arrays.copyOf(good, good.length - 20));
        assertTrue(message(truncated).contains("ends inside producer"), message(truncated));
        byte[] version = good.clone();
        version[5] = 2;
        assertTrue(message(resealed(version)).contains("version 2"));
        byte[] trailing = resealed(java.util.Arrays.copyOf(good, good.length + 3));
        assertTrue(message(trailing).contains("follow the last"), message(trailing));

        // A registry restored from it accepts the saved ids and only those.
        Producers restored = new Producers(Duration.ofMinutes(1), 1000, read);
        assertTrue(restored.wasIssued(7L << 20 | 3) && restored.wasIssued(5L << 20 | 1) && restored.wasIssued(6L << 20 | 99));
        assertFalse(restored.wasIssued(7L << 20 | 4) || restored.wasIssued(4L << 20 | 1));
        assertEquals(1, restored.producerCount(), "a producer without streams has no state to restore");
        assertEquals(1, restored.streamCount());
        Producers.SavedStream again = restored.snapshot().producers().get(0).streams().get(0);
        assertEquals(10, again.expected());
        assertArrayEquals(stream.offsets(), again.offsets(), "the window goes back as it came");
    }

    /** @return the file's bytes with its CRC32C made right again (the last 4 bytes replaced) */
    private static byte[] resealed(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes, bytes.length - 4, 4).putInt((int) crc.getValue());
        return bytes;
    }

    private static String message(byte[] bytes) {
        return assertThrows(ProducerStateFile.CorruptException.class, () -> ProducerStateFile.decode(bytes)).getMessage();
    }

    private interface Action {
        void run() throws Exception;
    }

    private static String capturingStandardError(Action action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text);
        return text;
    }
}
