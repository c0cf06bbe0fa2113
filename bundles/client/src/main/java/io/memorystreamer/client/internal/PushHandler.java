package io.memorystreamer.client.internal;

import io.memorystreamer.client.protocol.Groups;
import io.memorystreamer.client.protocol.Subscriptions;

/**
 * Receives the pushes of one subscription id on one session. Called on the event loop; the bodies
 * are valid only during the call (MESSAGES is a view of the received frame).
 */
public interface PushHandler {
    /**
     * @param session the session
     * @param messages the messages (a view of the frame: copy what is kept)
     */
    void onMessages(Session session, Subscriptions.Messages messages);

    /**
     * @param session the session
     * @param assignment the member's new lanes
     */
    void onAssignment(Session session, Groups.Assignment assignment);

    /**
     * The broker ended the subscription; the handler is already unregistered.
     *
     * @param session the session
     * @param ended why
     */
    void onEnded(Session session, Subscriptions.SubscriptionEnded ended);
}
