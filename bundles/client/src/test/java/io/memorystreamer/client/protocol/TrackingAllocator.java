package io.memorystreamer.client.protocol;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers what it made, so a test can prove a decoder released everything and
 * never allocated what a peer merely announced. Four kinds: unpooled heap or direct (every buffer is
 * remembered and its reference count checked) and pooled heap or direct (a private pool without
 * thread caches, whose arenas count the allocations still active: pooled buffers are recycled, so
 * their reference counts cannot be checked after release). Every buffer is tracked by Netty's leak
 * detector (unpooled heap ones too, which Netty leaves untracked). Not thread-safe (one embedded channel).
 */
final class TrackingAllocator extends AbstractByteBufAllocator {
    enum Kind {
        UNPOOLED_HEAP, UNPOOLED_DIRECT, POOLED_HEAP, POOLED_DIRECT;

        boolean direct() {
            return this == UNPOOLED_DIRECT || this == POOLED_DIRECT;
        }

        boolean pooled() {
            return this == POOLED_HEAP || this == POOLED_DIRECT;
        }
    }

    /** No thread caches: a freed buffer goes straight back to its arena, so the arena's counts are exact. */
    private static final PooledByteBufAllocator POOL = new PooledByteBufAllocator(false, 1, 1, 8192, 9, 0, 0, false);

    private final Kind kind;
    private final List<ByteBuf> allocated = new ArrayList<>();
    private final long activeAtStart;
    private int largestCapacity;

    TrackingAllocator(Kind kind) {
        super(kind.direct());
        this.kind = kind;
        this.activeAtStart = activePooled();
    }

    Kind kind() {
        return kind;
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        // Pooled buffers come wrapped for the leak detector already; unpooled heap ones do not (the
        // garbage collector frees them), but here a missing release() must be noticed all the same.
        return remember(kind.pooled() ? POOL.heapBuffer(initialCapacity, maxCapacity)
                : toLeakAwareBuffer(UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity)));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        // Both come wrapped for the leak detector already.
        return remember(kind.pooled() ? POOL.directBuffer(initialCapacity, maxCapacity)
                : UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity));
    }

    private ByteBuf remember(ByteBuf buffer) {
        if (!kind.pooled()) {
            allocated.add(buffer);
        }
        largestCapacity = Math.max(largestCapacity, buffer.capacity());
        return buffer;
    }

    @Override
    public boolean isDirectBufferPooled() {
        return kind == Kind.POOLED_DIRECT;
    }

    /** @return the largest capacity of a buffer made so far (growth of live buffers included) */
    int largestCapacity() {
        for (ByteBuf buffer : allocated) {
            if (buffer.refCnt() > 0) {
                largestCapacity = Math.max(largestCapacity, buffer.capacity());
            }
        }
        return largestCapacity;
    }

    /** @return how many buffers it made are still referenced (pooled: still active in the pool) */
    long unreleased() {
        if (kind.pooled()) {
            return activePooled() - activeAtStart;
        }
        return allocated.stream().filter(b -> b.refCnt() != 0).count();
    }

    private static long activePooled() {
        long active = 0;
        for (PoolArenaMetric arena : POOL.metric().heapArenas()) {
            active += arena.numActiveAllocations();
        }
        for (PoolArenaMetric arena : POOL.metric().directArenas()) {
            active += arena.numActiveAllocations();
        }
        return active;
    }
}
