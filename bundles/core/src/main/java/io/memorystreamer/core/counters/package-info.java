/**
 * Lock-free counters and the registry that names them.
 *
 * <p>Hot paths update a {@link io.memorystreamer.core.counters.Counter} with one atomic or
 * ordered store, never a lock or an allocation; telemetry reads them later through
 * {@link io.memorystreamer.core.counters.CounterRegistry#forEach} or
 * {@link io.memorystreamer.core.counters.CounterRegistry#snapshot()}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.memorystreamer.core.counters;
