package io.memorystreamer.transport.internal;

import io.memorystreamer.broker.GroupMember;
import io.memorystreamer.broker.MessageHandler;
import io.memorystreamer.broker.MessageView;
import io.memorystreamer.broker.Subscription;
import io.memorystreamer.broker.SubscriptionRequest;
import io.memorystreamer.client.protocol.FrameWriter;
import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.client.protocol.ProtocolError;
import io.memorystreamer.client.protocol.Subscriptions.Messages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One subscription (or group membership) of a connection, and its push path: the broker's
 * delivery thread hands each message to {@link #onMessage}, which appends it to an open MESSAGES
 * frame in a pooled buffer, straight from the log's mapped buffer (one copy, from the log into
 * the frame; nothing allocated per message); the connection's event loop takes what has been
 * appended ({@link #run}) and writes it. Frames are cut at {@value #SEAL_BYTES} bytes and never
 * exceed the connection's frame limit; whatever arrives in one poll of the delivery thread goes
 * out in as few frames as that allows.
 *
 * <pre>
 *  ms-delivery: onMessage ──► [open frame | sealed frames] ──(event loop task)──► channel.write
 *                                   ▲ guarded by a try-lock the event loop never waits on
 * </pre>
 *
 * <p><b>Credit</b>: the client's credit is counted here ({@link #clientCredit}); the broker's
 * subscription is granted credit in chunks out of it ({@link #regrant}), and only while the channel
 * is writable. A client that stops reading fills its socket, then Netty's outbound buffer up to its
 * high-water mark; from then on nothing more is granted, so at most one chunk (about
 * {@value #CHUNK_BYTES} bytes, at least one message) more can reach the buffer.
 *
 * <p>Threading: {@link #onMessage} on the delivery thread; everything else on the event loop. The
 * frame state ({@code open}, {@code sealed}, {@code closed}, {@code tooLarge}) is guarded by
 * {@link #lock}: the delivery thread spins for it (the event loop holds it only to swap buffers),
 * the event loop only tries it and runs again later when it is busy.
 */
final class PushSubscription implements MessageHandler, Runnable {
    /** A frame is cut once it holds this many bytes. */
    static final int SEAL_BYTES = 64 * 1024;
    /** The bytes one chunk of broker credit aims at. */
    static final int CHUNK_BYTES = 256 * 1024;
    /** The most messages one chunk of broker credit holds. */
    static final int MAX_CHUNK = 256;
    /** The chunk before the message size is known. */
    static final int FIRST_CHUNK = 32;
    private static final int FREE = 0;
    private static final int BUSY = 1;

    final Connection connection;
    final int id;
    final String topic;
    final boolean member;
    private final ByteBufAllocator allocator;
    private final int maxFrameBytes;
    private final AtomicInteger lock = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    // guarded by lock
    private ByteBuf open;
    private int frameStart;
    private int countIndex;
    private int openCount;
    private final ArrayDeque<ByteBuf> sealed = new ArrayDeque<>();
    private int sealedCount;
    private boolean closed;
    private String tooLarge;
    // delivery thread only: the log buffer wrapped once, reused while messages come from it
    private ByteBuffer lastSource;
    private ByteBuf wrappedSource;

    // event loop only
    private Subscription subscription;
    private long clientCredit;
    private long granted;
    private long pushed;
    private long pushedBytes;
    private boolean ended;
    List<String> lanes = List.of();
    /** COMMITs waiting for the one running (event loop). */
    final ArrayDeque<Runnable> commits = new ArrayDeque<>();
    /** Whether a COMMIT of this membership runs on the blocking pool (event loop). */
    boolean commitRunning;

    /**
     * @param connection the connection
     * @param id the client's subscription id
     * @param topic the topic
     * @param member whether it is a group membership
     * @param allocator the channel's allocator
     * @param maxFrameBytes the largest length field of a frame to the client
     */
    PushSubscription(Connection connection, int id, String topic, boolean member, ByteBufAllocator allocator, int maxFrameBytes) {
        this.connection = connection;
        this.id = id;
        this.topic = topic;
        this.member = member;
        this.allocator = allocator;
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Event loop: the broker's subscription, once made (with no credit: grants come from here).
     *
     * @param brokerSubscription the subscription or member
     * @param initialCredit the client's initial credit
     */
    void start(Subscription brokerSubscription, long initialCredit) {
        this.subscription = brokerSubscription;
        this.clientCredit = Math.min(initialCredit, SubscriptionRequest.UNLIMITED);
    }

    /** @return the broker's subscription (a {@link GroupMember} for a membership) */
    Subscription subscription() {
        return subscription;
    }

    /** @return the group member, for a membership */
    GroupMember groupMember() {
        return (GroupMember) subscription;
    }

    // ---------------------------------------------------------------- delivery thread

    @Override
    public void onMessage(MessageView message) {
        int keyLength = message.keyLength();
        int headersLength = message.headersLength();
        int payloadLength = message.payloadLength();
        int messageBytes = Messages.messageBytes(keyLength, headersLength, payloadLength);
        while (!lock.compareAndSet(FREE, BUSY)) {
            Thread.onSpinWait();
        }
        try {
            if (closed) {
                return;
            }
            if ((long) Protocol.FRAME_OVERHEAD + Messages.BODY_OVERHEAD + messageBytes > maxFrameBytes) {
                tooLarge = "message " + message.streamOffset() + " of stream '" + message.keyAsString() + "' has "
                        + ((long) keyLength + headersLength + payloadLength) + " bytes, more than a frame of " + maxFrameBytes
                        + " bytes can carry";
                closed = true;
            } else {
                if (open != null && open.writerIndex() - frameStart + messageBytes + Protocol.CRC_BYTES > maxFrameBytes) {
                    seal();
                }
                if (open == null) {
                    open = allocator.buffer(Math.min(Math.max(256, messageBytes + Protocol.FRAME_OVERHEAD + Messages.BODY_OVERHEAD), SEAL_BYTES * 2));
                    frameStart = FrameWriter.begin(open, Protocol.MESSAGES, 0);
                    countIndex = Messages.beginMessages(open, id);
                    openCount = 0;
                }
                ByteBuf source = wrap(message.buffer());
                Messages.appendMessage(open, source, message.keyOffset(), keyLength, message.streamOffset(), message.timestamp(),
                        message.shard(), member ? message.lane() : Messages.NO_LANE, message.position(), message.indexInFrame(),
                        message.headersOffset(), headersLength, message.payloadOffset(), payloadLength);
                openCount++;
                if (open.writerIndex() - frameStart >= SEAL_BYTES) {
                    seal();
                }
            }
        } finally {
            lock.set(FREE);
        }
        if (scheduled.compareAndSet(false, true)) {
            connection.runOnLoop(this);
        }
    }

    private ByteBuf wrap(ByteBuffer buffer) {
        if (buffer != lastSource) {
            lastSource = buffer;
            ByteBuffer whole = buffer.duplicate();
            whole.clear();
            wrappedSource = Unpooled.wrappedBuffer(whole);
        }
        return wrappedSource;
    }

    /** Guarded by the lock: completes the open frame and queues it. */
    private void seal() {
        Messages.endMessages(open, countIndex, openCount);
        FrameWriter.end(open, frameStart);
        sealed.add(open);
        sealedCount += openCount;
        open = null;
        openCount = 0;
    }

    // ---------------------------------------------------------------- event loop

    /** Event loop: takes what the delivery thread appended and writes it. */
    @Override
    public void run() {
        scheduled.set(false);
        if (!lock.compareAndSet(FREE, BUSY)) {
            if (scheduled.compareAndSet(false, true)) {
                connection.runLater(this);
            }
            return;
        }
        ByteBuf[] frames;
        int messages;
        String why;
        try {
            if (open != null) {
                seal();
            }
            frames = sealed.isEmpty() ? null : sealed.toArray(new ByteBuf[0]);
            sealed.clear();
            messages = sealedCount;
            sealedCount = 0;
            why = tooLarge;
            tooLarge = null;
        } finally {
            lock.set(FREE);
        }
        write(frames, messages);
        if (why != null && !ended) {
            connection.endSubscription(this, ProtocolError.MESSAGE_TOO_LARGE, why);
        } else {
            regrant();
        }
    }

    private void write(ByteBuf[] frames, int messages) {
        if (frames == null) {
            return;
        }
        long bytes = 0;
        for (ByteBuf frame : frames) {
            bytes += frame.readableBytes();
            connection.writePush(frame);
        }
        pushed += messages;
        pushedBytes += bytes;
    }

    /**
     * Event loop: stops the push path. What was appended already is written first (the broker
     * counted it as delivered), so that it precedes the closing answer; anything the delivery
     * thread offers afterwards is dropped.
     */
    void closePush() {
        ByteBuf[] frames = null;
        int messages = 0;
        while (!lock.compareAndSet(FREE, BUSY)) {
            Thread.onSpinWait();
        }
        try {
            if (open != null) {
                seal();
            }
            frames = sealed.isEmpty() ? null : sealed.toArray(new ByteBuf[0]);
            messages = sealedCount;
            sealed.clear();
            sealedCount = 0;
            closed = true;
        } finally {
            lock.set(FREE);
        }
        ended = true;
        write(frames, messages);
    }

    /** @return whether the push path was closed on the server's side */
    boolean ended() {
        return ended;
    }

    /**
     * Event loop: the client granted more messages (saturating at unlimited).
     *
     * @param credits 1 or more
     */
    void addCredit(long credits) {
        long outstanding = granted - pushed;
        long total = clientCredit + outstanding;
        clientCredit = credits >= SubscriptionRequest.UNLIMITED - total ? Math.max(0, SubscriptionRequest.UNLIMITED - outstanding)
                : clientCredit + credits;
    }

    /** @return the credit the client granted that the broker was not handed yet */
    long clientCredit() {
        return clientCredit;
    }

    /** @return messages written to the channel so far */
    long pushed() {
        return pushed;
    }

    /**
     * Event loop: hands the broker another chunk of the client's credit when the channel is
     * writable and the broker's credit runs low. What the broker may still deliver is counted here
     * (granted minus taken from the push path), not read from the broker, whose credit drops only
     * at the end of a poll: every message the broker delivers comes through {@link #run}, which
     * calls this again, so delivery never stalls with credit left.
     */
    void regrant() {
        if (ended || subscription == null || clientCredit <= 0 || !connection.writable()) {
            return;
        }
        long chunk = chunk();
        long outstanding = granted - pushed;
        if (outstanding > chunk / 2) {
            return;
        }
        long grant = Math.min(clientCredit, chunk - outstanding);
        if (grant > 0) {
            clientCredit -= grant;
            granted += grant;
            subscription.grant(grant);
        }
    }

    private long chunk() {
        if (pushed < 8) {
            return FIRST_CHUNK;
        }
        long average = Math.max(1, pushedBytes / pushed);
        return Math.max(1, Math.min(MAX_CHUNK, CHUNK_BYTES / average));
    }

    @Override
    public String toString() {
        return (member ? "membership " : "subscription ") + Integer.toUnsignedString(id) + " on topic " + topic + " of " + connection;
    }
}
