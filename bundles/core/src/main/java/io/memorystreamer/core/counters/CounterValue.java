package io.memorystreamer.core.counters;

/**
 * The value of a {@link Counter}, between two blocks of padding.
 *
 * <p>Threading: read and written only through the VarHandle in {@link Counter}.
 */
abstract class CounterValue extends CounterLhsPadding {
    volatile long value;
}
