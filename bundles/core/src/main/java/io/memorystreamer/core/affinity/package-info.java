/**
 * CPU pinning without native code: a thread pins itself with {@code taskset}, once, when it
 * starts. See {@link io.memorystreamer.core.affinity.CpuAffinity}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.memorystreamer.core.affinity;
