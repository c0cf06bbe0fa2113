package io.memorystreamer.shell.internal;

import io.memorystreamer.broker.Broker;
import io.memorystreamer.broker.BrokerException;
import io.memorystreamer.broker.PublishListener;
import io.memorystreamer.broker.PublishReceipt;
import io.memorystreamer.broker.Publisher;
import io.memorystreamer.broker.TopicDescription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo command {@code ms:publish <topic> <key> <text> [--header name=value ...]}: publishes one
 * message whose payload is the text in UTF-8, and returns its stream offset once it is as durable
 * as the topic promises. Uses {@link Publisher#send}, waiting up to {@value #ROOM_SECONDS} s for
 * room when the topic is back-pressured, then up to {@value #DURABLE_SECONDS} s for durability.
 *
 * <p>A {@link Function} rather than a method, because {@code --header} may be repeated, which
 * Gogo's {@code @Parameter} options cannot be.
 *
 * <p>Thread-safe: each call uses a publisher of its own, on the session's thread, and closes it.
 */
@Component(service = PublishCommand.class, property = {
    "osgi.command.scope=ms",
    "osgi.command.function=publish"
})
public final class PublishCommand implements Function {
    static final String HEADER = "--header";
    static final int ROOM_SECONDS = 5;
    static final int DURABLE_SECONDS = 30;
    static final String USAGE = "usage: ms:publish <topic> <key> <text> [--header name=value ...]\n"
            + "  publishes one message (the text, in UTF-8) and prints its stream offset once durable;\n"
            + "  --header name=value  a header (repeat for more); quote text that has spaces: 'hello world'";

    /** The outcomes of {@link Publisher#send} come through its future; the listener hears of nothing else. */
    private static final PublishListener NO_LISTENER = new PublishListener() {
        @Override
        public void onPublished(long token, int index, long streamOffset) {
            // send() completes its future instead
        }

        @Override
        public void onFailed(long token, int index, BrokerException error) {
            // send() completes its future instead
        }
    };

    private final Broker broker;

    /** Creates the command over the given broker. */
    @Activate
    public PublishCommand(@Reference Broker broker) {
        this.broker = broker;
    }

    /**
     * Runs {@code ms:publish}.
     *
     * @return a {@link PublishResult}, or the usage text for {@code --help}
     * @throws IllegalArgumentException for wrong arguments, a malformed header or an unknown topic
     * @throws BrokerException when the broker refuses the message or fails to store it
     * @throws IllegalStateException when the message is not durable in time
     */
    @Override
    public Object execute(CommandSession session, List<Object> arguments) {
        CommandLine line = CommandLine.parse(arguments, Set.of(HEADER), USAGE);
        if (line.help()) {
            return USAGE;
        }
        List<String> positionals = line.positionals(3, "<topic>", "<key>", "<text>");
        String topic = positionals.get(0);
        String key = positionals.get(1);
        byte[] payload = positionals.get(2).getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = headers(line.options(HEADER));
        TopicDescription description = BrokerLookup.topic(broker, topic);
        long started = System.nanoTime();
        PublishReceipt receipt;
        try (Publisher publisher = broker.publisher(NO_LISTENER)) {
            CompletableFuture<PublishReceipt> sent = publisher.send(topic, key, headers, payload, Duration.ofSeconds(ROOM_SECONDS));
            receipt = sent.get(DURABLE_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("publishing to topic " + topic + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the message to topic " + topic + ", stream " + key + " was accepted but is not durable after "
                    + DURABLE_SECONDS + " s (durability " + description.settings().durability()
                    + "); it may still become durable: is the disk slow or full? (ms:topic-config " + topic + " shows its logs)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the message to topic " + topic
                    + " to be durable; it may still become durable", e);
        }
        return new PublishResult(topic, key, receipt.streamOffset(), description.settings().durability(), payload.length, headers.size(),
                Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * @param values the {@code --header} values, each {@code name=value}
     * @return names to values, in the order given
     * @throws IllegalArgumentException for a value without {@code =} or with an empty name, or a name given twice
     */
    static Map<String, String> headers(List<String> values) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String value : values) {
            int equals = value.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(HEADER + " '" + value + "' must be name=value, with a name of at least one character\n"
                        + USAGE);
            }
            String name = value.substring(0, equals);
            if (headers.put(name, value.substring(equals + 1)) != null) {
                throw new IllegalArgumentException("header " + name + " was given twice; a message carries each header once");
            }
        }
        return headers;
    }
}
