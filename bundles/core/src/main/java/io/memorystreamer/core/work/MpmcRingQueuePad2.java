package io.memorystreamer.core.work;

/**
 * Padding after the head of an {@link MpmcRingQueue}, keeping it apart from the queue's read-only
 * fields.
 *
 * <p>Threading: none, never read or written.
 */
abstract class MpmcRingQueuePad2 extends MpmcRingQueueHead {
    long p31, p32, p33, p34, p35, p36, p37, p38, p39, p40, p41, p42, p43, p44, p45;
}
