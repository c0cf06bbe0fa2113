/**
 * The client's machinery, private to the bundle: the connection and its sessions
 * ({@link io.memorystreamer.client.internal.ClientCore}), the producer's batching and retries, the
 * consumer's credit and resubscription, and TLS and transport selection. Nothing here is API.
 */
package io.memorystreamer.client.internal;
