package io.memorystreamer.core.counters;

/**
 * Padding laid out before a {@link Counter}'s value so that two counters allocated side by side
 * never share a cache line (nor the adjacent line the spatial prefetcher pulls in with it).
 *
 * <p>Threading: none, the fields are never read or written. Invariant: the JVM lays out
 * superclass fields first, so these 15 longs sit before {@link CounterValue#value}.
 */
abstract class CounterLhsPadding {
    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}
