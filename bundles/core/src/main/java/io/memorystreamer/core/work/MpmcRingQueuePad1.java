package io.memorystreamer.core.work;

/**
 * Padding between the tail and the head of an {@link MpmcRingQueue}, so that producers and
 * consumers do not contend for one cache line.
 *
 * <p>Threading: none, never read or written.
 */
abstract class MpmcRingQueuePad1 extends MpmcRingQueueTail {
    long p16, p17, p18, p19, p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30;
}
