/**
 * Priority worker pools: one pool of threads per {@link io.memorystreamer.core.work.Tier}, each
 * fed by a bounded lock-free queue ({@link io.memorystreamer.core.work.MpmcRingQueue}).
 * {@link io.memorystreamer.core.work.WorkerPools#submit} never blocks and never throws for a full
 * queue: it returns a {@link io.memorystreamer.core.work.SubmitResult}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.memorystreamer.core.work;
