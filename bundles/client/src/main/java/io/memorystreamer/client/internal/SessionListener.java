package io.memorystreamer.client.internal;

/**
 * Told when a session (a connection past its handshake) opens or closes. Called on the event loop:
 * an implementation must be quick and must not block; it sends requests, nothing more.
 */
public interface SessionListener {
    /**
     * @param session the session now open; requests bound to it may be sent
     */
    void onSessionOpened(Session session);

    /**
     * @param session the session that closed; its requests in flight have failed with
     *     {@link io.memorystreamer.client.ClientException#CONNECTION_LOST}, its subscriptions are gone
     */
    void onSessionClosed(Session session);
}
