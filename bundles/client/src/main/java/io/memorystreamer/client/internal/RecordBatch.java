package io.memorystreamer.client.internal;

import io.memorystreamer.client.ClientException;
import io.memorystreamer.client.RecordAck;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Records of one topic travelling together in one PRODUCE request: their encoded messages, back
 * to back as the PRODUCE body lays them out (sequence, key, headers, payload), and each record's
 * future. The sequence fields are patched in place when the batch is first sent (and again if the
 * producer takes a new producer id before it is written), so a retry resends the very same bytes.
 *
 * <p>Appended to by application threads under its pipeline's lock until sealed; from then on owned
 * by the event loop.
 */
final class RecordBatch {
    /** One record of the batch. */
    static final class Entry {
        final String key;
        final int sequenceIndex;
        final CompletableFuture<RecordAck> future;

        Entry(String key, int sequenceIndex, CompletableFuture<RecordAck> future) {
            this.key = key;
            this.sequenceIndex = sequenceIndex;
            this.future = future;
        }
    }

    final long id;
    final String topic;
    final ByteBuf messages;
    final List<Entry> entries = new ArrayList<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    long budgetBytes;
    // Event-loop state, once sealed.
    boolean sequenced;
    boolean finished;
    int attempts;
    ClientException lastError;

    RecordBatch(long id, String topic, ByteBuf messages) {
        this.id = id;
        this.topic = topic;
        this.messages = messages;
    }

    int count() {
        return entries.size();
    }

    int bytes() {
        return messages.readableBytes();
    }

    @Override
    public String toString() {
        return "batch " + id + " of " + topic + " (" + entries.size() + " records, " + bytes() + " bytes, attempt " + attempts + ")";
    }
}
