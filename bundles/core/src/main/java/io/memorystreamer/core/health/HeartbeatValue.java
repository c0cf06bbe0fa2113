package io.memorystreamer.core.health;

/**
 * The timestamp of a {@link Heartbeat}, between two blocks of padding.
 *
 * <p>Threading: written by the heartbeat's owner thread, read by the checker, both through the
 * VarHandle in {@link Heartbeat}.
 */
abstract class HeartbeatValue extends HeartbeatLhsPadding {
    long busySinceNanos = Heartbeat.IDLE;
}
