package io.memorystreamer.core.work;

/**
 * The tail counter of an {@link MpmcRingQueue}: the next position producers claim. Its top bit is
 * the closed flag.
 *
 * <p>Threading: accessed only through the queue's VarHandle (CAS by producers and by close).
 */
abstract class MpmcRingQueueTail extends MpmcRingQueuePad0 {
    volatile long tail;
}
