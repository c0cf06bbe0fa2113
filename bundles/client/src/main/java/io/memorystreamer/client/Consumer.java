package io.memorystreamer.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads records from one subscription (a topic, a stream or a key pattern) or one consumer-group
 * membership, as its {@link ConsumerConfig} says. Obtained from
 * {@link MemoryStreamerClient#consumer(ConsumerConfig)}, which returns once the broker has
 * accepted the subscription (and throws its refusal, such as {@code UNKNOWN_TOPIC}).
 *
 * <pre>{@code
 * try (Consumer consumer = client.consumer(ConsumerConfig.group("billing", "orders")
 *         .startAt(StartPosition.earliest()).autoCommit(false).build())) {
 *     while (running) {
 *         for (ConsumerRecord record : consumer.poll(Duration.ofMillis(500))) {
 *             process(record);
 *         }
 *         consumer.commit();
 *     }
 * }
 * }</pre>
 *
 * <h2>Delivery and flow control</h2>
 * Records arrive in order per stream (a topic or pattern subscription interleaves streams). They
 * are handed to the configured {@link RecordListener} on the consumer's own delivery thread, or
 * returned by {@link #poll}. The broker pushes only within the credit the consumer grants: at most
 * {@link ConsumerConfig#maxBuffered()} records are ever granted beyond those the application has
 * consumed, and the consumer grants more as the application consumes (in steps of half the
 * window, or at once when it has consumed everything). A record counts as consumed when the
 * listener it was passed to returns, or, for records returned by {@code poll}, when the
 * application calls {@code poll} again (or closes). A slow application therefore makes the broker
 * stop sending rather than the client buffering without bound.
 *
 * <h2>Reconnection</h2>
 * When the connection drops, records already received stay buffered and are still delivered, and
 * the consumer subscribes again as soon as the client has reconnected:
 * <ul>
 * <li>a <b>stream</b> subscription resumes at the offset after the last record received;</li>
 * <li>a <b>topic or pattern</b> subscription resumes per stream. Version 1 of the protocol cannot
 * name an offset per stream in one subscription, so once every shard of the topic has delivered a
 * record the consumer resumes from the timestamp of the oldest shard's last record minus
 * {@link ConsumerConfig#resumeMargin()}; before that, from its original start. Either way it drops
 * every record at or below the last offset it received for that stream, so nothing is delivered
 * twice and nothing is skipped (as long as timestamps within a shard are out of order by less than
 * the margin). It remembers one offset per stream received, which costs memory for a topic of
 * very many streams;</li>
 * <li>a subscription that started at {@link StartPosition#latest()} and had received nothing from
 * a stream resumes from the time it was first accepted minus the margin (by the client's clock),
 * so records published while it was disconnected are not lost; records published up to the
 * margin before the subscription was made may be delivered;</li>
 * <li>a <b>group member</b> joins again, with the member id the broker gave it; its lanes resume
 * from the group's last commit, so records received after that commit may be delivered again
 * (delivery in a group is at least once).</li>
 * </ul>
 * A subscription that the broker ends for good (its topic deleted: {@code CLOSED}; a record too
 * large for a frame; a failed log) is not renewed: {@link #poll} throws the reason once the
 * buffered records are returned, and a listener's {@link RecordListener#onEnd} is called. A
 * group member the broker removed for missing its session timeout ({@code UNKNOWN_MEMBER}) joins
 * again by itself.
 *
 * <h2>Groups and commits</h2>
 * A group member heartbeats every third of its session timeout. Commits are exact: each record
 * carries its lane and its place in the log, and a commit sends, per lane, the position after
 * the last record the application has <em>consumed</em>; records still buffered in the consumer
 * (or on their way) are not covered, so a crash after a commit never skips a record. A record is
 * consumed when the listener returns from it, or, for {@link #poll}, at the next {@code poll},
 * {@link #commit()}, {@link #commitAsync()} or {@link #close()} (the application came back for
 * more: it is done with what the last poll returned). The broker cuts a position back to what it
 * delivered and ignores lanes the member no longer holds.
 * <p>Automatic commits ({@link ConsumerConfig#autoCommit()}, the default) send those positions
 * every {@link ConsumerConfig#autoCommitInterval()} when something was consumed since the last
 * one, without pausing the flow of records. A member that closes commits what it consumed, then
 * leaves the group.
 *
 * <h2>Threading</h2>
 * {@link #poll} is meant for one thread at a time (several threads may poll, each getting different
 * records, but then per-stream order across threads is theirs to keep). {@link #commit},
 * {@link #commitAsync} and {@link #close} may be called from any thread, a listener's included.
 * The consumer's own work (decoding, credit, heartbeats, resubscribing) runs on the client's
 * event loop; the listener never does.
 */
@ProviderType
public interface Consumer extends AutoCloseable {
    /**
     * Waits for records and returns those buffered, up to {@link ConsumerConfig#maxPollRecords()}.
     *
     * @param timeout how long to wait when none are buffered; zero returns at once
     * @return the records, in arrival order; empty when none arrived in time
     * @throws ClientException the reason the subscription ended for good, once every record before
     *     the end was returned; {@link ClientException#CLIENT_CLOSED} once closed;
     *     {@link ClientException#INTERRUPTED}
     * @throws IllegalStateException when the consumer has a listener
     */
    List<ConsumerRecord> poll(Duration timeout);

    /**
     * Commits, per lane, every record this group member's application has consumed so far (the
     * records the last {@link #poll} returned included), and waits until the commit is durable.
     * Records received but not yet consumed are not committed.
     *
     * @throws ClientException {@code UNKNOWN_MEMBER}, {@link ClientException#CONNECTION_LOST} when the
     *     member is not joined at the moment (the commit did not happen), a timeout...
     * @throws IllegalStateException when the consumer is not a group member
     */
    void commit();

    /**
     * Commits as {@link #commit()} does, without waiting.
     *
     * @return completed, on the client's callback thread, once the commit is durable; or failed as
     *     {@link #commit()} throws
     * @throws IllegalStateException when the consumer is not a group member
     */
    CompletableFuture<Void> commitAsync();

    /** @return the member id of a group member (the broker's choice when none was asked for), else null */
    String memberId();

    /** @return a group member's lanes ({@code shard.lane}) as the broker last assigned them; empty otherwise */
    List<String> assignedLanes();

    /** @return how many records are received but not yet consumed by the application */
    int buffered();

    /** @return whether the subscription (or membership) is open on the broker at the moment */
    boolean isActive();

    /**
     * Ends the subscription (UNSUBSCRIBE) or membership (after an automatic commit, LEAVE_GROUP),
     * waiting for the broker for at most the request timeout, and stops the delivery thread
     * (after the listener call in progress, if any). Buffered records are discarded. Idempotent.
     */
    @Override
    void close();
}
