package io.memorystreamer.shell.internal;

import io.memorystreamer.broker.StartPosition;
import java.time.Duration;
import java.util.List;

/**
 * What {@code ms:tail} received: up to the number of messages asked for, in the order they were
 * delivered (in order within each stream). Immutable.
 *
 * @param topic the topic
 * @param selector the stream key or key pattern, or null for the whole topic
 * @param from where the subscription started
 * @param count the most messages asked for
 * @param timeout how long it waited at most
 * @param messages the messages received
 * @param end why it stopped
 */
public record TailResult(String topic, String selector, StartPosition from, int count, Duration timeout, List<TailedMessage> messages,
        End end) implements PeopleFormat {

    /** Why {@code ms:tail} stopped. */
    public enum End {
        /** It received as many messages as asked for. */
        COUNT,
        /** The timeout passed first. */
        TIMEOUT,
        /** The broker closed the subscription first (the topic was deleted, or the broker stopped). */
        CLOSED,
        /** The command was interrupted (Ctrl-C). */
        INTERRUPTED
    }

    /** Copies the list, so the result stays immutable. */
    public TailResult {
        messages = List.copyOf(messages);
    }

    /** @return what was subscribed to, in words: {@code topic orders, stream customer-42} */
    public String source() {
        if (selector == null) {
            return "topic " + topic;
        }
        return "topic " + topic + (selector.contains("*") ? ", streams matching '" + selector + "'" : ", stream " + selector);
    }

    @Override
    public String formatFull() {
        StringBuilder text = new StringBuilder(formatLine()).append('\n');
        if (messages.isEmpty()) {
            return text.toString();
        }
        Table table = new Table("KEY", "OFFSET", "TIME", "HEADERS", "PAYLOAD");
        for (TailedMessage message : messages) {
            table.row(message.key(), message.offset(), Units.time(message.timestamp()), message.headersLine(), message.payloadLine());
        }
        table.appendTo(text, "");
        return text.toString();
    }

    @Override
    public String formatLine() {
        String waited = switch (end) {
            case COUNT -> "";
            case TIMEOUT -> " (the timeout of " + Units.duration(timeout) + " passed)";
            case CLOSED -> " (the broker closed the subscription: was the topic deleted?)";
            case INTERRUPTED -> " (interrupted)";
        };
        if (messages.isEmpty()) {
            return "no message from " + source() + ", from " + from(from) + waited + (from.kind() == StartPosition.Kind.LATEST
                    ? "; from latest only what is published while it waits comes (--from earliest shows what is stored)" : "");
        }
        String counted = end == End.COUNT ? messages.size() + (messages.size() == 1 ? " message" : " messages")
                : messages.size() + " of " + count + " messages";
        return counted + " from " + source() + ", from " + from(from) + waited;
    }

    /** @return a start position in words: {@code earliest}, {@code offset 42}, {@code time 2026-11-27T10:15:30Z} */
    static String from(StartPosition position) {
        return switch (position.kind()) {
            case EARLIEST -> "earliest";
            case LATEST -> "latest";
            case OFFSET -> "offset " + position.value();
            case TIMESTAMP -> "time " + Units.time(position.value());
        };
    }
}
