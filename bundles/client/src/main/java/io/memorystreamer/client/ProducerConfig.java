package io.memorystreamer.client;

import java.time.Duration;

/**
 * How a {@link Producer} batches, retries and bounds its memory. Built with {@link #builder()};
 * {@link #defaults()} is idempotent, with a 1 ms linger, 64 KiB batches and a 32 MiB buffer.
 *
 * <pre>{@code
 * ProducerConfig config = ProducerConfig.builder()
 *         .linger(Duration.ofMillis(5))
 *         .batchBytes(256 * 1024)
 *         .bufferBytes(64L << 20)
 *         .maxBlock(Duration.ZERO)      // fail at once when the buffer is full
 *         .build();
 * }</pre>
 *
 * <p>Immutable; any thread.
 */
public final class ProducerConfig {
    private final boolean idempotence;
    private final Duration linger;
    private final int batchBytes;
    private final long bufferBytes;
    private final Duration maxBlock;
    private final int retries;
    private final Duration retryBackoff;
    private final Duration retryBackoffMax;
    private final int maxInFlightPerTopic;

    private ProducerConfig(Builder b) {
        this.idempotence = b.idempotence;
        this.linger = b.linger;
        this.batchBytes = b.batchBytes;
        this.bufferBytes = b.bufferBytes;
        this.maxBlock = b.maxBlock;
        this.retries = b.retries;
        this.retryBackoff = b.retryBackoff;
        this.retryBackoffMax = b.retryBackoffMax;
        this.maxInFlightPerTopic = b.maxInFlightPerTopic;
    }

    /** @return the defaults */
    public static ProducerConfig defaults() {
        return builder().build();
    }

    /** @return a builder with every default */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return whether the producer is idempotent (default true): it takes a producer id from the
     *     broker and numbers each stream's records, so the broker drops a retried duplicate
     */
    public boolean idempotence() {
        return idempotence;
    }

    /** @return how long a batch waits for more records before it is sent (default 1 ms; 0 sends at once) */
    public Duration linger() {
        return linger;
    }

    /** @return the size at which a batch is sent without waiting for its linger (default 64 KiB) */
    public int batchBytes() {
        return batchBytes;
    }

    /** @return the most bytes of records accepted but not yet acknowledged (default 32 MiB) */
    public long bufferBytes() {
        return bufferBytes;
    }

    /**
     * @return how long {@link Producer#send} waits for room when the buffer is full before failing
     *     with {@link ClientException#BUFFER_FULL} (default 60 s; {@link Duration#ZERO} fails at once)
     */
    public Duration maxBlock() {
        return maxBlock;
    }

    /** @return how many times a batch is retried after a retriable failure (default 10) */
    public int retries() {
        return retries;
    }

    /** @return the first pause before a retry; it doubles with each retry (default 100 ms) */
    public Duration retryBackoff() {
        return retryBackoff;
    }

    /** @return the longest pause before a retry (default 1 s) */
    public Duration retryBackoffMax() {
        return retryBackoffMax;
    }

    /** @return the most batches of one topic awaiting their acknowledgement (default 5) */
    public int maxInFlightPerTopic() {
        return maxInFlightPerTopic;
    }

    @Override
    public String toString() {
        return "ProducerConfig{idempotence=" + idempotence + ", linger=" + linger + ", batchBytes=" + batchBytes + ", bufferBytes="
                + bufferBytes + ", maxBlock=" + maxBlock + ", retries=" + retries + "}";
    }

    /** Builds a {@link ProducerConfig}. Not thread-safe; may build several. */
    public static final class Builder {
        private boolean idempotence = true;
        private Duration linger = Duration.ofMillis(1);
        private int batchBytes = 64 * 1024;
        private long bufferBytes = 32L * 1024 * 1024;
        private Duration maxBlock = Duration.ofSeconds(60);
        private int retries = 10;
        private Duration retryBackoff = Duration.ofMillis(100);
        private Duration retryBackoffMax = Duration.ofSeconds(1);
        private int maxInFlightPerTopic = 5;

        private Builder() {
        }

        /**
         * @param on whether the producer is idempotent; without it a retry may write a record twice
         * @return this builder
         */
        public Builder idempotence(boolean on) {
            this.idempotence = on;
            return this;
        }

        /**
         * @param wait how long a batch waits for more records, 0 or more
         * @return this builder
         */
        public Builder linger(Duration wait) {
            this.linger = notNegative(wait, "linger");
            return this;
        }

        /**
         * @param bytes the size at which a batch is sent at once, 1 or more (a record larger than it
         *     travels alone)
         * @return this builder
         */
        public Builder batchBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("batchBytes is 1 or more, not " + bytes);
            }
            this.batchBytes = bytes;
            return this;
        }

        /**
         * @param bytes the most bytes of records accepted but not yet acknowledged, 1 or more
         * @return this builder
         */
        public Builder bufferBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("bufferBytes is 1 or more, not " + bytes);
            }
            this.bufferBytes = bytes;
            return this;
        }

        /**
         * @param wait how long {@link Producer#send} waits for room in a full buffer, 0 or more (0 fails at once)
         * @return this builder
         */
        public Builder maxBlock(Duration wait) {
            this.maxBlock = notNegative(wait, "maxBlock");
            return this;
        }

        /**
         * @param count how many times a batch is retried after a retriable failure, 0 or more
         * @return this builder
         */
        public Builder retries(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("retries is 0 or more, not " + count);
            }
            this.retries = count;
            return this;
        }

        /**
         * @param initial the first pause before a retry, 0 or more
         * @param max the longest, at least {@code initial}
         * @return this builder
         */
        public Builder retryBackoff(Duration initial, Duration max) {
            notNegative(initial, "retry backoff");
            notNegative(max, "max retry backoff");
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("the longest retry pause " + max + " is shorter than the first " + initial);
            }
            this.retryBackoff = initial;
            this.retryBackoffMax = max;
            return this;
        }

        /**
         * @param batches the most batches of one topic awaiting their acknowledgement, 1 or more
         * @return this builder
         */
        public Builder maxInFlightPerTopic(int batches) {
            if (batches < 1) {
                throw new IllegalArgumentException("maxInFlightPerTopic is 1 or more, not " + batches);
            }
            this.maxInFlightPerTopic = batches;
            return this;
        }

        /** @return the configuration */
        public ProducerConfig build() {
            return new ProducerConfig(this);
        }

        private static Duration notNegative(Duration value, String name) {
            if (value == null || value.isNegative()) {
                throw new IllegalArgumentException(name + " is 0 or more, not " + value);
            }
            return value;
        }
    }
}
