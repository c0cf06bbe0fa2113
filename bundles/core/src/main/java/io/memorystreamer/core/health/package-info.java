/**
 * Stall detection for agents and workers.
 *
 * <p>Each thread owns a {@link io.memorystreamer.core.health.Heartbeat}: it marks itself busy at
 * the start of a duty cycle or task and idle at the end. The
 * {@link io.memorystreamer.core.health.HealthMonitor} compares those marks with the clock, reports
 * a thread busy for longer than its threshold as
 * {@link io.memorystreamer.core.health.ComponentState#STALLED}, and publishes immutable
 * {@link io.memorystreamer.core.health.HealthReport}s through
 * {@link io.memorystreamer.core.health.HealthMonitor#snapshot()}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.memorystreamer.core.health;
