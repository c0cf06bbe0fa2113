package io.memorystreamer.broker;

import java.time.Duration;
import java.util.Objects;

/**
 * Joining a consumer group: a named group shares one topic's streams among its members.
 *
 * @param group the group's name (same rules as a topic name)
 * @param topic the topic the group consumes
 * @param memberId this member's id, or null for one the broker makes up
 * @param start where to start in a lane nobody has committed in yet
 * @param sessionTimeout how long a member may go without a heartbeat before it is removed
 * @param autoHeartbeat whether the broker heartbeats for this member while it is open (in-process
 *     members); false for members whose liveness is proven from outside (network clients)
 * @param initialCredit messages the broker may deliver before the member grants more
 */
public record GroupRequest(String group, String topic, String memberId, StartPosition start, Duration sessionTimeout,
        boolean autoHeartbeat, long initialCredit) {
    /** The default session timeout. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);

    /**
     * @param group the group
     * @param topic the topic
     * @param memberId the member id or null
     * @param start where to start without a commit
     * @param sessionTimeout the session timeout
     * @param autoHeartbeat whether the broker heartbeats for the member
     * @param initialCredit the initial credit
     */
    public GroupRequest {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        if (sessionTimeout.toMillis() < 10) {
            throw new IllegalArgumentException("a session timeout is at least 10 ms, not " + sessionTimeout);
        }
        if (initialCredit < 0) {
            throw new IllegalArgumentException("initial credit is 0 or more, not " + initialCredit);
        }
    }

    /**
     * @param group the group
     * @param topic the topic
     * @return a request for a broker-named, auto-heartbeating member starting at the earliest
     *     message, with unlimited credit
     */
    public static GroupRequest of(String group, String topic) {
        return new GroupRequest(group, topic, null, StartPosition.earliest(), DEFAULT_SESSION_TIMEOUT, true, SubscriptionRequest.UNLIMITED);
    }

    /**
     * @param id the member id
     * @return this request with that member id
     */
    public GroupRequest withMemberId(String id) {
        return new GroupRequest(group, topic, id, start, sessionTimeout, autoHeartbeat, initialCredit);
    }

    /**
     * @param timeout the session timeout
     * @param brokerHeartbeats whether the broker heartbeats for the member
     * @return this request with that liveness
     */
    public GroupRequest withSession(Duration timeout, boolean brokerHeartbeats) {
        return new GroupRequest(group, topic, memberId, start, timeout, brokerHeartbeats, initialCredit);
    }

    /**
     * @param position where to start without a commit
     * @return this request with that start
     */
    public GroupRequest from(StartPosition position) {
        return new GroupRequest(group, topic, memberId, position, sessionTimeout, autoHeartbeat, initialCredit);
    }

    /**
     * @param credit the initial credit
     * @return this request with that credit
     */
    public GroupRequest withCredit(long credit) {
        return new GroupRequest(group, topic, memberId, start, sessionTimeout, autoHeartbeat, credit);
    }
}
