package io.memorystreamer.shell.internal;

import io.memorystreamer.broker.Broker;
import io.memorystreamer.broker.MessageHandler;
import io.memorystreamer.broker.MessageView;
import io.memorystreamer.broker.StartPosition;
import io.memorystreamer.broker.Subscription;
import io.memorystreamer.broker.SubscriptionRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo command {@code ms:tail <topic> [key-or-pattern] [--from ...] [--count n] [--timeout s]}:
 * subscribes to one stream (a key), the streams matching a pattern (a key with {@code *}) or the
 * whole topic, with a credit of {@code count} so the broker delivers no more than that; collects
 * the messages (copies: the broker's views live only during the handler's call), closes the
 * subscription once it has them or the timeout passes, and returns what came.
 *
 * <p>Thread-safe: each call has its own subscription; the broker's delivery thread hands messages
 * to a collector that the session's thread reads once the subscription is closed.
 */
@Component(service = TailCommand.class, property = {
    "osgi.command.scope=ms",
    "osgi.command.function=tail"
})
public final class TailCommand {
    static final String DEFAULT_FROM = "earliest";
    static final String DEFAULT_COUNT = "10";
    static final String DEFAULT_TIMEOUT = "5";
    /** The most messages one call may collect. */
    static final int MAX_COUNT = 100_000;
    /** The longest one call may wait. */
    static final Duration MAX_TIMEOUT = Duration.ofHours(1);

    private final Broker broker;

    /** Creates the command over the given broker. */
    @Activate
    public TailCommand(@Reference Broker broker) {
        this.broker = broker;
    }

    /**
     * {@code ms:tail <topic>}: messages of every stream of the topic.
     *
     * @param from where to start
     * @param count the most messages to collect
     * @param timeout the longest to wait for them
     * @param topic the topic
     * @return what came
     */
    @Descriptor("show messages of a topic: subscribes, collects up to --count messages or waits --timeout, then closes")
    public TailResult tail(
            @Descriptor("where to start: earliest (default), latest, an offset in each stream (42), or a time (2026-11-27T10:15:30Z)")
            @Parameter(names = {"-f", "--from"}, absentValue = DEFAULT_FROM) String from,
            @Descriptor("the most messages to show (default " + DEFAULT_COUNT + ")")
            @Parameter(names = {"-n", "--count"}, absentValue = DEFAULT_COUNT) String count,
            @Descriptor("how long to wait for them, in seconds (default " + DEFAULT_TIMEOUT + ") or as 500ms, 2m")
            @Parameter(names = {"-t", "--timeout"}, absentValue = DEFAULT_TIMEOUT) String timeout,
            @Descriptor("the topic") String topic) {
        return collect(topic, null, from, count, timeout);
    }

    /**
     * {@code ms:tail <topic> <key-or-pattern>}: messages of one stream, or of the streams matching a pattern.
     *
     * @param from where to start
     * @param count the most messages to collect
     * @param timeout the longest to wait for them
     * @param topic the topic
     * @param selector a stream key, or a key pattern when it has a {@code *}
     * @return what came
     */
    @Descriptor("show messages of one stream, or of the streams matching a pattern: subscribes, collects up to --count messages"
            + " or waits --timeout, then closes")
    public TailResult tail(
            @Descriptor("where to start: earliest (default), latest, an offset (42), or a time (2026-11-27T10:15:30Z)")
            @Parameter(names = {"-f", "--from"}, absentValue = DEFAULT_FROM) String from,
            @Descriptor("the most messages to show (default " + DEFAULT_COUNT + ")")
            @Parameter(names = {"-n", "--count"}, absentValue = DEFAULT_COUNT) String count,
            @Descriptor("how long to wait for them, in seconds (default " + DEFAULT_TIMEOUT + ") or as 500ms, 2m")
            @Parameter(names = {"-t", "--timeout"}, absentValue = DEFAULT_TIMEOUT) String timeout,
            @Descriptor("the topic") String topic,
            @Descriptor("a stream key, or a key pattern where * matches one whole segment (quote it: 'orders/*')") String selector) {
        return collect(topic, selector, from, count, timeout);
    }

    private TailResult collect(String topic, String selector, String fromText, String countText, String timeoutText) {
        StartPosition from = StartPosition.parse(fromText);
        int count = (int) Units.parseCount("--count", countText, 1, MAX_COUNT);
        Duration timeout = timeout(timeoutText);
        BrokerLookup.topic(broker, topic);
        SubscriptionRequest request = request(topic, selector).from(from).withCredit(count);
        Collector collector = new Collector(count);
        TailResult.End end;
        Subscription subscription = broker.subscribe(request, collector);
        try {
            end = collector.await(timeout, subscription);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end = TailResult.End.INTERRUPTED;
        } finally {
            subscription.close();
        }
        List<TailedMessage> messages = collector.stop();
        return new TailResult(topic, selector, from, count, timeout, messages, messages.size() == count ? TailResult.End.COUNT : end);
    }

    /** @return a subscription to the whole topic (no selector), a pattern (with {@code *}) or one stream */
    static SubscriptionRequest request(String topic, String selector) {
        if (selector == null) {
            return SubscriptionRequest.topic(topic);
        }
        return selector.contains("*") ? SubscriptionRequest.pattern(topic, selector) : SubscriptionRequest.stream(topic, selector);
    }

    /** @return the timeout: whole seconds ({@code 5}) or a duration ({@code 500ms}, {@code 2m}), 0 to 1 hour */
    static Duration timeout(String text) {
        String value = text == null ? "" : text.trim();
        Duration timeout = !value.isEmpty() && value.chars().allMatch(Character::isDigit)
                ? Duration.ofSeconds(Units.parseCount("--timeout", value, 0, MAX_TIMEOUT.toSeconds()))
                : Units.parseDuration("--timeout", value);
        if (timeout.isNegative() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("--timeout must be from 0 to " + Units.duration(MAX_TIMEOUT) + ", not " + text);
        }
        return timeout;
    }

    /**
     * Copies the messages a subscription delivers, up to a count. The broker's delivery thread
     * calls {@link #onMessage}; the command's thread waits in {@link #await} and takes the
     * messages with {@link #stop}, after which late deliveries are ignored. Guarded by its monitor.
     */
    static final class Collector implements MessageHandler {
        /** How often a wait looks whether the broker closed the subscription. */
        static final long CLOSED_CHECK_MILLIS = 100;

        private final int wanted;
        private final CountDownLatch full = new CountDownLatch(1);
        private final List<TailedMessage> messages = new ArrayList<>();
        private boolean stopped;

        Collector(int wanted) {
            this.wanted = wanted;
        }

        @Override
        public void onMessage(MessageView message) {
            synchronized (this) {
                if (stopped || messages.size() >= wanted) {
                    return;
                }
                messages.add(TailedMessage.copy(message));
                if (messages.size() == wanted) {
                    full.countDown();
                }
            }
        }

        /**
         * Waits until {@code wanted} messages came, the timeout passes, or the broker closes the
         * subscription (its topic was deleted, the broker stopped), looking every
         * {@value #CLOSED_CHECK_MILLIS} ms.
         *
         * @return which came first
         */
        TailResult.End await(Duration timeout, Subscription subscription) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (full.await(Math.max(0, Math.min(left, TimeUnit.MILLISECONDS.toNanos(CLOSED_CHECK_MILLIS))), TimeUnit.NANOSECONDS)) {
                    return TailResult.End.COUNT;
                }
                if (subscription.isClosed()) {
                    return TailResult.End.CLOSED;
                }
                if (left <= 0) {
                    return TailResult.End.TIMEOUT;
                }
            }
        }

        /** @return the messages that came; none are taken after this */
        synchronized List<TailedMessage> stop() {
            stopped = true;
            return List.copyOf(messages);
        }
    }
}
