package io.memorystreamer.broker.internal;

/**
 * The layout of one publish call in a writer's inbox (a record of a
 * {@link io.memorystreamer.core.work.ManyToOneByteRing}). It never leaves the process, so it has no
 * magic number, version or checksum: publisher and writer are the same build, and the ring's own
 * record header frames it.
 *
 * <pre>
 *  0               8              12              16              20              24
 * +---------------+---------------+---------------+---------------+---------------+
 * |  token (i64)  | publisher id  |   topic id    | message count |     flags     |   call header
 * +---------------+---------------+---------------+---------------+---------------+
 * then per message, 16 bytes + its bytes (no alignment):
 * +---------------+---------------+---------------+---------------+-----+---------+---------+
 * | shard (i32)   | key length    | headers length| payload length| key | headers | payload |
 * +---------------+---------------+---------------+---------------+-----+---------+---------+
 * </pre>
 * Little-endian. Shard {@link #DROPPED_SHARD} marks a message an interceptor dropped (no bytes
 * follow): the writer acknowledges it as dropped, in order with the others.
 */
final class InboxFormat {
    static final int TOKEN_OFFSET = 0;
    static final int PUBLISHER_OFFSET = 8;
    static final int TOPIC_OFFSET = 12;
    static final int COUNT_OFFSET = 16;
    static final int FLAGS_OFFSET = 20;
    static final int CALL_HEADER_LENGTH = 24;
    static final int MESSAGE_HEADER_LENGTH = 16;
    static final int DROPPED_SHARD = -1;
    /** Flag: the call came from {@code Publisher.send}; its outcome goes to a future, not the listener. */
    static final int FLAG_FUTURE = 1;

    private InboxFormat() {
    }
}
