/**
 * Agents and idle strategies: work done on a duty cycle by a thread that owns its state.
 *
 * <p>An {@link io.memorystreamer.core.agent.Agent} does a bounded amount of work per call to
 * {@code doWork()} and says how much; an {@link io.memorystreamer.core.agent.IdleStrategy} decides
 * whether to spin, yield or park when there was none. An
 * {@link io.memorystreamer.core.agent.AgentRunner} gives an agent (or a
 * {@link io.memorystreamer.core.agent.CompositeAgent} of several) its own thread, reports its
 * errors and marks its {@link io.memorystreamer.core.health.Heartbeat} every duty cycle.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.memorystreamer.core.agent;
