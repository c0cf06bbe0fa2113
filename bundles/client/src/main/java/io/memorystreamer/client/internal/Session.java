package io.memorystreamer.client.internal;

import io.memorystreamer.client.protocol.FrameDecoder;
import io.memorystreamer.client.protocol.Handshake;
import io.netty.channel.Channel;
import java.util.HashMap;
import java.util.Map;

/**
 * One connection to the broker, from its TCP connect through its handshake to its close: the
 * requests awaiting their answers (by correlation id) and the subscriptions whose pushes it
 * delivers (by subscription id). A new connection after a reconnect is a new session; what was
 * bound to the old one (requests, subscriptions) ended with it.
 *
 * <p>Confined to the client's event loop, except {@link #isOpen()} which any thread may read.
 */
public final class Session {
    final Channel channel;
    final FrameDecoder decoder;
    final long number;
    final Map<Long, PendingRequest> inFlight = new HashMap<>();
    final Map<Integer, PushHandler> pushes = new HashMap<>();
    long helloCorrelation;
    Handshake.HelloOk hello;
    int maxInFlight;
    int maxFrameBytes;
    boolean throttled;
    private volatile boolean open;
    private volatile boolean ended;

    Session(Channel channel, FrameDecoder decoder, long number) {
        this.channel = channel;
        this.decoder = decoder;
        this.number = number;
    }

    /** @return whether the handshake completed and the connection has not closed since */
    public boolean isOpen() {
        return open && !ended;
    }

    void opened() {
        open = true;
    }

    /** @return whether the handshake had completed (the session was usable at some point) */
    boolean wasOpened() {
        return open;
    }

    void ended() {
        ended = true;
    }

    /** @return the answer to HELLO: negotiated version, broker version, limits (null before the handshake) */
    public Handshake.HelloOk hello() {
        return hello;
    }

    /** @return the largest frame the broker accepts on this session */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    @Override
    public String toString() {
        return "Session#" + number + "{" + channel.remoteAddress() + (isOpen() ? ", open" : ended ? ", closed" : ", opening") + "}";
    }
}
