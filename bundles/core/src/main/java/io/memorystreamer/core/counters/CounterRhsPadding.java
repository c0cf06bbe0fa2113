package io.memorystreamer.core.counters;

/**
 * Padding laid out after a {@link Counter}'s value (see {@link CounterLhsPadding}).
 *
 * <p>Threading: none, the fields are never read or written.
 */
abstract class CounterRhsPadding extends CounterValue {
    long p16, p17, p18, p19, p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30;
}
