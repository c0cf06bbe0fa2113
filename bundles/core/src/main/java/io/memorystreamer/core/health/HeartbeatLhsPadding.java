package io.memorystreamer.core.health;

/**
 * Padding laid out before a {@link Heartbeat}'s timestamp, so that the owner's writes never
 * invalidate a cache line another thread is using for something else.
 *
 * <p>Threading: none, the fields are never read or written. Invariant: superclass fields are laid
 * out first, so these 15 longs precede {@link HeartbeatValue#busySinceNanos}.
 */
abstract class HeartbeatLhsPadding {
    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}
