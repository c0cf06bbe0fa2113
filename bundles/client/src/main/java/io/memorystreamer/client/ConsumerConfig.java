package io.memorystreamer.client;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link Consumer} reads and how: a whole topic, one stream, the streams matching a key
 * pattern, or a consumer group's share of a topic; where it starts; how many records it lets the
 * broker send ahead of the application; and whether records go to a {@link RecordListener} or
 * wait for {@link Consumer#poll}.
 *
 * <pre>{@code
 * ConsumerConfig.topic("orders").startAt(StartPosition.earliest()).build();
 * ConsumerConfig.stream("orders", "customer-42").startAt(StartPosition.offset(100)).build();
 * ConsumerConfig.pattern("orders", "customer-*").build();
 * ConsumerConfig.group("billing", "orders")
 *         .memberId("billing-1")
 *         .sessionTimeout(Duration.ofSeconds(10))
 *         .autoCommit(false)
 *         .build();
 * }</pre>
 *
 * <p>Immutable; any thread.
 */
public final class ConsumerConfig {
    /** What a consumer reads. */
    public enum Target {
        /** Every stream of a topic. */
        TOPIC,
        /** One stream. */
        STREAM,
        /** The streams whose keys match a pattern ({@code *} matches one whole segment: {@code orders/*}). */
        PATTERN,
        /** A consumer group's lanes of a topic. */
        GROUP
    }

    private final Target target;
    private final String topic;
    private final String keyOrPattern;
    private final String group;
    private final String memberId;
    private final Duration sessionTimeout;
    private final StartPosition start;
    private final int maxBuffered;
    private final int maxPollRecords;
    private final RecordListener listener;
    private final boolean autoCommit;
    private final Duration autoCommitInterval;
    private final Duration resumeMargin;

    private ConsumerConfig(Builder b) {
        this.target = b.target;
        this.topic = b.topic;
        this.keyOrPattern = b.keyOrPattern;
        this.group = b.group;
        this.memberId = b.memberId;
        this.sessionTimeout = b.sessionTimeout;
        this.start = b.start;
        this.maxBuffered = b.maxBuffered;
        this.maxPollRecords = b.maxPollRecords == 0 ? Math.max(1, b.maxBuffered / 2) : b.maxPollRecords;
        this.listener = b.listener;
        this.autoCommit = b.autoCommit;
        this.autoCommitInterval = b.autoCommitInterval;
        this.resumeMargin = b.resumeMargin;
    }

    /**
     * @param topic a topic
     * @return a builder for a consumer of every stream of the topic
     */
    public static Builder topic(String topic) {
        return new Builder(Target.TOPIC, topic, "", null);
    }

    /**
     * @param topic a topic
     * @param key a stream key
     * @return a builder for a consumer of one stream
     */
    public static Builder stream(String topic, String key) {
        return new Builder(Target.STREAM, topic, text(key, "key"), null);
    }

    /**
     * @param topic a topic
     * @param pattern a key pattern, where {@code *} matches one whole segment ({@code orders/*})
     * @return a builder for a consumer of the streams matching it
     */
    public static Builder pattern(String topic, String pattern) {
        return new Builder(Target.PATTERN, topic, text(pattern, "pattern"), null);
    }

    /**
     * @param group the group's name
     * @param topic the topic the group consumes
     * @return a builder for a member of the group
     */
    public static Builder group(String group, String topic) {
        return new Builder(Target.GROUP, topic, "", text(group, "group"));
    }

    /** @return what the consumer reads */
    public Target target() {
        return target;
    }

    /** @return the topic */
    public String topic() {
        return topic;
    }

    /** @return the stream key ({@link Target#STREAM}), the pattern ({@link Target#PATTERN}), else "" */
    public String keyOrPattern() {
        return keyOrPattern;
    }

    /** @return the group's name ({@link Target#GROUP}), else null */
    public String group() {
        return group;
    }

    /** @return the member id asked for ("" lets the broker pick one) */
    public String memberId() {
        return memberId;
    }

    /** @return how long the broker keeps a silent member; the consumer heartbeats every third of it (default 10 s) */
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    /** @return where reading starts (for a group: where a lane nobody committed in starts; default latest) */
    public StartPosition start() {
        return start;
    }

    /** @return the credit window: the most records the broker may send ahead of the application (default 1000) */
    public int maxBuffered() {
        return maxBuffered;
    }

    /**
     * @return the most records one {@link Consumer#poll} returns (default half of {@link #maxBuffered()},
     *     so the broker can send the other half while the application works on what it polled)
     */
    public int maxPollRecords() {
        return maxPollRecords;
    }

    /** @return the listener records are pushed to, or null when the application polls */
    public RecordListener listener() {
        return listener;
    }

    /** @return whether a group member commits by itself (default true) */
    public boolean autoCommit() {
        return autoCommit;
    }

    /** @return the least time between two automatic commits (default 5 s) */
    public Duration autoCommitInterval() {
        return autoCommitInterval;
    }

    /**
     * @return how far before the last delivered record's timestamp a topic or pattern subscription
     *     resumes after a reconnect (default 1 s), covering timestamps not quite in order within a shard
     */
    public Duration resumeMargin() {
        return resumeMargin;
    }

    @Override
    public String toString() {
        return "ConsumerConfig{" + target + " " + (group == null ? "" : group + " on ") + topic + (keyOrPattern.isEmpty() ? "" : " " + keyOrPattern)
                + ", start=" + start + ", maxBuffered=" + maxBuffered + ", listener=" + (listener != null) + "}";
    }

    private static String text(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " is empty");
        }
        return value;
    }

    /** Builds a {@link ConsumerConfig}. Not thread-safe; may build several. */
    public static final class Builder {
        private final Target target;
        private final String topic;
        private final String keyOrPattern;
        private final String group;
        private String memberId = "";
        private Duration sessionTimeout = Duration.ofSeconds(10);
        private StartPosition start = StartPosition.latest();
        private int maxBuffered = 1000;
        private int maxPollRecords;
        private RecordListener listener;
        private boolean autoCommit = true;
        private Duration autoCommitInterval = Duration.ofSeconds(5);
        private Duration resumeMargin = Duration.ofSeconds(1);

        private Builder(Target target, String topic, String keyOrPattern, String group) {
            this.target = target;
            this.topic = text(topic, "topic");
            this.keyOrPattern = keyOrPattern;
            this.group = group;
        }

        /**
         * @param position where reading starts (default {@link StartPosition#latest()})
         * @return this builder
         */
        public Builder startAt(StartPosition position) {
            this.start = Objects.requireNonNull(position, "position");
            return this;
        }

        /**
         * @param records the credit window, 1 or more: the most records the broker may send ahead of
         *     the application
         * @return this builder
         */
        public Builder maxBuffered(int records) {
            if (records < 1) {
                throw new IllegalArgumentException("maxBuffered is 1 or more, not " + records);
            }
            this.maxBuffered = records;
            return this;
        }

        /**
         * @param records the most records one poll returns, 1 or more (default: half the credit window)
         * @return this builder
         */
        public Builder maxPollRecords(int records) {
            if (records < 1) {
                throw new IllegalArgumentException("maxPollRecords is 1 or more, not " + records);
            }
            this.maxPollRecords = records;
            return this;
        }

        /**
         * @param value records go to it, on the consumer's delivery thread, instead of waiting for
         *     {@link Consumer#poll}; null to poll
         * @return this builder
         */
        public Builder listener(RecordListener value) {
            this.listener = value;
            return this;
        }

        /**
         * @param id the member id of a group member ("" lets the broker pick one)
         * @return this builder
         */
        public Builder memberId(String id) {
            this.memberId = Objects.requireNonNull(id, "id");
            return this;
        }

        /**
         * @param timeout how long the broker keeps a member it hears nothing from, at least 10 ms
         * @return this builder
         */
        public Builder sessionTimeout(Duration timeout) {
            if (timeout == null || timeout.toMillis() < 10 || timeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("a session timeout is 10 ms to 2^31-1 ms, not " + timeout);
            }
            this.sessionTimeout = timeout;
            return this;
        }

        /**
         * @param on whether a group member commits by itself every {@link #autoCommitInterval(Duration)},
         *     exactly what the application consumed (see {@link Consumer}), and when it closes
         * @return this builder
         */
        public Builder autoCommit(boolean on) {
            this.autoCommit = on;
            return this;
        }

        /**
         * @param interval the least time between two automatic commits, 0 or more
         * @return this builder
         */
        public Builder autoCommitInterval(Duration interval) {
            if (interval == null || interval.isNegative()) {
                throw new IllegalArgumentException("autoCommitInterval is 0 or more, not " + interval);
            }
            this.autoCommitInterval = interval;
            return this;
        }

        /**
         * @param margin how far before the last delivered timestamp a topic or pattern subscription
         *     resumes after a reconnect, 0 or more
         * @return this builder
         */
        public Builder resumeMargin(Duration margin) {
            if (margin == null || margin.isNegative()) {
                throw new IllegalArgumentException("resumeMargin is 0 or more, not " + margin);
            }
            this.resumeMargin = margin;
            return this;
        }

        /** @return the configuration */
        public ConsumerConfig build() {
            return new ConsumerConfig(this);
        }
    }
}
