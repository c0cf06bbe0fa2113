package io.memorystreamer.core.affinity;

/**
 * Thrown when a thread cannot be pinned to the CPUs asked for; the message says why and what to
 * do (typically: fix or remove the {@code *.cpus} setting to run unpinned).
 *
 * <p>Unchecked, because pinning is configuration: the caller (a runner or pool starting its
 * threads) lets it fail the start rather than run silently unpinned. Threading: immutable once
 * thrown.
 */
public class AffinityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message why pinning failed and what to do about it
     */
    public AffinityException(String message) {
        super(message);
    }

    /**
     * @param message why pinning failed and what to do about it
     * @param cause   the underlying failure
     */
    public AffinityException(String message, Throwable cause) {
        super(message, cause);
    }
}
