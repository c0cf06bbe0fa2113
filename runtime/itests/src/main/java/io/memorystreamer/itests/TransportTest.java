package io.memorystreamer.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.broker.Broker;
import io.memorystreamer.broker.StreamDescription;
import io.memorystreamer.client.protocol.Frame;
import io.memorystreamer.client.protocol.FrameBody;
import io.memorystreamer.client.protocol.FrameDecoder;
import io.memorystreamer.client.protocol.FrameWriter;
import io.memorystreamer.client.protocol.Handshake;
import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.client.protocol.Publishing;
import io.memorystreamer.client.protocol.Subscriptions;
import io.memorystreamer.client.protocol.TopicAdmin;
import io.memorystreamer.transport.TransportServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The network transport bundle in the real framework, in front of the real broker: it listens on
 * the port its configuration asks for (0 here: any free one), publishes the bound port as a service
 * property and in {@code data/transport.port}, runs on epoll (the native fragment resolves), and a
 * client on loopback round-trips a message. A bad configuration change is refused and the server
 * keeps running; a good one restarts it.
 */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class TransportTest {
    private static final String PID = "io.memorystreamer.transport";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 20_000)
    ConfigurationAdmin configAdmin;

    private ServiceReference<TransportServer> server() throws Exception {
        return Awaits.until(() -> context.getServiceReference(TransportServer.class), reference -> reference != null,
                "the TransportServer service is registered");
    }

    private static int port(ServiceReference<TransportServer> reference) {
        return (Integer) reference.getProperty(TransportServer.PORT_PROPERTY);
    }

    private Broker broker() throws Exception {
        return Awaits.until(() -> {
            ServiceReference<Broker> reference = context.getServiceReference(Broker.class);
            return reference == null ? null : context.getService(reference);
        }, b -> b != null, "the Broker service is registered");
    }

    @Test
    void aClientRoundTripsAMessageOverLoopback() throws Exception {
        ServiceReference<TransportServer> reference = server();
        int port = port(reference);
        assertTrue(port > 0, "port 0 in the configuration binds a free port: " + port);
        assertEquals("127.0.0.1", reference.getProperty(TransportServer.HOST_PROPERTY));
        assertEquals(Boolean.FALSE, reference.getProperty(TransportServer.TLS_PROPERTY));
        assertEquals("epoll", reference.getProperty(TransportServer.IO_PROPERTY), "the native epoll fragment works in Felix");
        Path portFile = Path.of(context.getProperty("ms.data.dir"), TransportServer.PORT_FILE);
        assertEquals(String.valueOf(port), Files.readString(portFile, StandardCharsets.US_ASCII).trim());

        String topic = "net-" + Long.toString(System.nanoTime(), 36);
        try (RawClient client = new RawClient(port)) {
            Handshake.HelloOk hello = (Handshake.HelloOk) client.call(new Handshake.Hello(1, 1, "itest", ""));
            assertEquals(1, hello.version());
            assertEquals(context.getServiceReference(TransportServer.class).getBundle().getVersion().toString(), hello.brokerVersion());
            TopicAdmin.TopicsInfo created = (TopicAdmin.TopicsInfo) client.call(new TopicAdmin.CreateTopic(topic, 2, TopicAdmin.Durability.BATCH, 0, 0, 0));
            assertEquals(topic, created.topics().get(0).name());

            ByteBuf messages = Unpooled.buffer();
            Publishing.Produce.appendMessage(messages, 0, bytes("orders/1"), null, bytes("hello"));
            Publishing.Produce.appendMessage(messages, 0, bytes("orders/1"), null, bytes("world"));
            Publishing.ProduceAck ack = (Publishing.ProduceAck) client.call(new Publishing.Produce(topic, 0, 2, messages));
            assertEquals(List.of(new Publishing.Ack(0, Publishing.AckStatus.WRITTEN), new Publishing.Ack(1, Publishing.AckStatus.WRITTEN)), ack.acks());

            assertEquals(new Subscriptions.Subscribed(9), client.call(new Subscriptions.Subscribe(9, topic, Subscriptions.Kind.STREAM, "orders/1",
                    Subscriptions.StartKind.EARLIEST, 0, 100)));
            List<String> received = new ArrayList<>();
            while (received.size() < 2) {
                received.addAll(client.nextMessages());
            }
            assertEquals(List.of("orders/1@0=hello", "orders/1@1=world"), received);
        }
        List<StreamDescription> streams = broker().streams(topic, null, 10);
        assertEquals(1, streams.size());
        assertEquals(2, streams.get(0).nextOffset(), "the broker's own API sees what came over the network");
        broker().deleteTopic(topic);
    }

    @Test
    void aBadConfigurationChangeIsRefusedAndAGoodOneRestartsTheServer() throws Exception {
        int before = port(server());
        Configuration configuration = configAdmin.getConfiguration(PID, "?");
        Dictionary<String, Object> original = configuration.getProperties();
        try {
            Dictionary<String, Object> bad = copy(original);
            bad.put("max.in.flight", "0");
            configuration.update(bad);
            Thread.sleep(1_500);
            assertEquals(before, port(server()), "a refused change leaves the server where it was");
            try (RawClient client = new RawClient(before)) {
                assertEquals(256, ((Handshake.HelloOk) client.call(new Handshake.Hello(1, 1, "itest", ""))).maxInFlight());
            }

            Dictionary<String, Object> good = copy(original);
            good.put("max.in.flight", "7");
            configuration.update(good);
            Awaits.until(() -> helloMaxInFlight(), inFlight -> inFlight == 7, "the server restarts with max.in.flight = 7");
        } finally {
            configuration.update(original);
        }
        Awaits.until(() -> helloMaxInFlight(), inFlight -> inFlight == 256, "the original configuration applies again");
    }

    private int helloMaxInFlight() throws Exception {
        ServiceReference<TransportServer> reference = context.getServiceReference(TransportServer.class);
        if (reference == null) {
            return -1;
        }
        try (RawClient client = new RawClient(port(reference))) {
            return ((Handshake.HelloOk) client.call(new Handshake.Hello(1, 1, "itest", ""))).maxInFlight();
        } catch (IOException e) {
            return -1;
        }
    }

    private static Dictionary<String, Object> copy(Dictionary<String, Object> properties) {
        Dictionary<String, Object> copy = new Hashtable<>();
        if (properties != null) {
            for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
                String key = keys.nextElement();
                copy.put(key, properties.get(key));
            }
        }
        return copy;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A blocking client on the shared codec: one request at a time, pushes kept aside. */
    static final class RawClient implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private final FrameDecoder decoder = new FrameDecoder(Protocol.Direction.SERVER_TO_CLIENT, Protocol.MAX_MAX_FRAME_BYTES);
        private final List<List<String>> pushed = new ArrayList<>();
        private long nextId;

        RawClient(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(10_000);
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            out = socket.getOutputStream();
        }

        /** Sends a request and returns its answer's body (an ERROR fails the test). */
        FrameBody call(FrameBody request) throws IOException {
            long id = ++nextId;
            ByteBuf frame = Unpooled.buffer();
            FrameWriter.write(frame, request, id);
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            out.write(bytes);
            out.flush();
            while (true) {
                Frame answer = read();
                try {
                    if (answer.type() == Protocol.MESSAGES) {
                        pushed.add(copy((Subscriptions.Messages) FrameBody.read(answer)));
                        continue;
                    }
                    FrameBody body = FrameBody.read(answer);
                    if (answer.correlationId() != id) {
                        continue;
                    }
                    if (body instanceof FrameBody.ErrorBody) {
                        throw new AssertionError(Protocol.typeName(request.type()) + " failed: " + body);
                    }
                    return body;
                } finally {
                    answer.release();
                }
            }
        }

        /** @return the messages of the next MESSAGES frame */
        List<String> nextMessages() throws IOException {
            if (!pushed.isEmpty()) {
                return pushed.remove(0);
            }
            while (true) {
                Frame frame = read();
                try {
                    if (frame.type() == Protocol.MESSAGES) {
                        return copy((Subscriptions.Messages) FrameBody.read(frame));
                    }
                } finally {
                    frame.release();
                }
            }
        }

        private static List<String> copy(Subscriptions.Messages messages) {
            List<String> texts = new ArrayList<>();
            Subscriptions.Messages.Cursor cursor = messages.cursor();
            while (cursor.next()) {
                texts.add(cursor.key().toString(StandardCharsets.UTF_8) + "@" + cursor.streamOffset() + "="
                        + cursor.payload().toString(StandardCharsets.UTF_8));
            }
            return texts;
        }

        private Frame read() throws IOException {
            int length = in.readInt();
            byte[] rest = new byte[length];
            in.readFully(rest);
            ByteBuf buffer = Unpooled.buffer(4 + length).writeInt(length).writeBytes(rest);
            try {
                Frame frame = decoder.tryDecode(buffer);
                if (frame == null) {
                    throw new IOException("an incomplete frame of length " + length);
                }
                return frame;
            } finally {
                buffer.release();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
