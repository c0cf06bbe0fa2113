package io.memorystreamer.client.internal;

import io.memorystreamer.client.protocol.FrameBody;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * A request from the moment it is made until it is answered, fails or times out: waiting in the
 * connection's queue, then awaiting its answer on a session. Confined to the event loop (its
 * future may be read anywhere).
 */
final class PendingRequest {
    final Outgoing request;
    final Session bound;
    final CompletableFuture<FrameBody> future = new CompletableFuture<>();
    long correlationId;
    Session sentOn;
    ScheduledFuture<?> timeout;

    PendingRequest(Outgoing request, Session bound) {
        this.request = request;
        this.bound = bound;
    }

    boolean isDone() {
        return future.isDone();
    }

    @Override
    public String toString() {
        return request + (correlationId == 0 ? " (queued)" : " (correlation " + correlationId + ")");
    }
}
