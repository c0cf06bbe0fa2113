package io.memorystreamer.core.work;

/**
 * Padding before the tail counter of an {@link MpmcRingQueue}, so that producers' CAS on it never
 * shares a cache line with an unrelated object.
 *
 * <p>Threading: none, never read or written. Invariant: superclass fields are laid out first.
 */
abstract class MpmcRingQueuePad0 {
    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}
