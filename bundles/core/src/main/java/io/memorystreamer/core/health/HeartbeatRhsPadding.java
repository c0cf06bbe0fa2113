package io.memorystreamer.core.health;

/**
 * Padding laid out after a {@link Heartbeat}'s timestamp (see {@link HeartbeatLhsPadding}).
 *
 * <p>Threading: none, the fields are never read or written.
 */
abstract class HeartbeatRhsPadding extends HeartbeatValue {
    long p16, p17, p18, p19, p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30;
}
