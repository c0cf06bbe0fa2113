package io.memorystreamer.core.work;

/**
 * The head counter of an {@link MpmcRingQueue}: the next position consumers claim.
 *
 * <p>Threading: accessed only through the queue's VarHandle (CAS by consumers).
 */
abstract class MpmcRingQueueHead extends MpmcRingQueuePad1 {
    volatile long head;
}
