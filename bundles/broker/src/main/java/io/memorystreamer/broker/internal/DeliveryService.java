package io.memorystreamer.broker.internal;

import io.memorystreamer.broker.BrokerException;
import io.memorystreamer.broker.ErrorCode;
import io.memorystreamer.broker.MessageHandler;
import io.memorystreamer.broker.Subscription;
import io.memorystreamer.broker.SubscriptionRequest;
import io.memorystreamer.core.agent.Agent;
import io.memorystreamer.core.agent.AgentRunner;
import io.memorystreamer.core.agent.WakeableIdleStrategy;
import io.memorystreamer.core.agent.BusySpinIdleStrategy;
import io.memorystreamer.multiplexing.StreamKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes messages from the logs to subscribers: one agent thread ({@code ms-delivery}) polls every
 * subscription in turn, each reading the shards' logs by position through its own cursors, and
 * calls the handlers with a reused view over the mapped log (no copy, no allocation per message).
 *
 * <pre>
 *  subscribe / close / grant ──► command queue ──┐
 *  (any thread)                                  ▼
 *                          ms-delivery: drain commands, then for each subscription:
 *                            credit? ── poll its cursors ── filters ── handler(view)
 *                          every 5 ms: tick (streams waited for, group sessions)
 * </pre>
 *
 * <p>Threading: the delivery thread is the single owner of every subscription's cursors and read
 * state; other threads reach it only through the command queue ({@link #execute}, {@link #call})
 * and the subscriptions' atomic credit and closed flag. A subscription closed from any thread is
 * not delivered to once {@link Subscription#close()} returns: the closer waits until the delivery
 * thread completed a pass that started after the flag was set ({@link #awaitCycle()}). Handlers
 * run on the delivery thread: a slow handler delays every subscription.
 *
 * <p>Invariant: after {@link #closeSubscriptionsOf(Topic)} returns, the delivery thread no longer
 * touches that topic's logs, so they may be closed. (Except when called from a handler, on the
 * delivery thread itself: then the topic's logs must not be closed before the handler returns.)
 */
public final class DeliveryService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryService.class);
    /** How often {@link SubscriptionImpl#tick} and the periodic tasks run. */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** The longest a closer waits for the delivery thread to finish a pass (a handler may be stuck). */
    private static final long AWAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Set<SubscriptionImpl> subscriptions = ConcurrentHashMap.newKeySet();
    private final List<Runnable> periodicTasks = new CopyOnWriteArrayList<>();
    /** Delivery thread only: the subscriptions it polls. */
    private final List<SubscriptionImpl> active = new ArrayList<>();
    private final AgentRunner runner;
    /** The delivery thread's idle strategy, which writers wake; null when it busy-spins. */
    private final WakeableIdleStrategy idle;
    private final Thread thread;
    private volatile long cycles;
    private volatile boolean closed;

    /**
     * Starts the delivery thread.
     *
     * @param config the broker's settings ({@link BrokerConfig#busySpin()} picks the idle strategy)
     */
    public DeliveryService(BrokerConfig config) {
        Objects.requireNonNull(config, "config");
        this.idle = config.busySpin() ? null : new WakeableIdleStrategy();
        this.runner = AgentRunner.builder(new DeliveryAgent())
                .idleStrategy(idle != null ? idle : new BusySpinIdleStrategy())
                .threadName("ms-delivery")
                .build();
        this.thread = runner.thread();
        runner.start();
    }

    /** Any thread: new messages are in a log; a parked delivery thread starts polling now (cheap when it is not parked). */
    void messagesAppended() {
        if (idle != null) {
            idle.wake();
        }
    }

    /**
     * Subscribes to one stream, a topic or a pattern of stream keys, as the request says.
     *
     * @param topic the open topic (the request's topic name is not looked up again)
     * @param request what to subscribe to, where to start, initial credit
     * @param handler receives the messages on the delivery thread
     * @return the live subscription
     * @throws IllegalArgumentException for an invalid stream key or pattern
     * @throws BrokerException {@link ErrorCode#CLOSED} when this service or the topic is closed
     */
    public Subscription subscribe(Topic topic, SubscriptionRequest request, MessageHandler handler) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(handler, "handler");
        if (topic.closed) {
            throw new BrokerException(ErrorCode.CLOSED, "topic '" + topic.name() + "' is closed or being deleted");
        }
        SubscriptionImpl subscription;
        if (request.key() != null) {
            StreamKeys.requireValid(request.key());
            subscription = new StreamSubscription(this, topic, request.key(), request.start(), handler, request.initialCredit());
        } else {
            KeyPattern pattern = request.pattern() == null ? null : KeyPattern.compile(request.pattern());
            subscription = new ShardsSubscription(this, topic, pattern, request.start(), handler, request.initialCredit());
        }
        register(subscription);
        return subscription;
    }

    /**
     * Closes every subscription of a topic (group members included) and returns once the delivery
     * thread no longer touches the topic's logs.
     *
     * @param topic a topic being deleted
     */
    public void closeSubscriptionsOf(Topic topic) {
        int count = 0;
        for (SubscriptionImpl subscription : subscriptions) {
            if (subscription.topic == topic && subscription.markClosed()) {
                count++;
            }
        }
        awaitCycle();
        if (count > 0) {
            LOG.info("Closed {} subscription(s) of topic {}", count, topic.name());
        }
    }

    /** @return how many subscriptions are open (group members included) */
    public int subscriptionCount() {
        return subscriptions.size();
    }

    /** Closes every subscription and stops the delivery thread; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (SubscriptionImpl subscription : subscriptions) {
            subscription.markClosed();
        }
        runner.close();
    }

    /** @return whether {@link #close()} was called */
    boolean isClosed() {
        return closed;
    }

    // ---- for subscriptions and the group coordinator ----

    /** Any thread: hands a new subscription to the delivery thread. */
    void register(SubscriptionImpl subscription) {
        subscriptions.add(subscription);
        commands.add(() -> agentAdd(subscription));
        if (closed) {
            subscription.markClosed();
            subscriptions.remove(subscription);
            throw new BrokerException(ErrorCode.CLOSED, "the broker's delivery service is closed");
        }
        wake();
    }

    /** Any thread: runs a task on the delivery thread, between two subscriptions' turns. */
    void execute(Runnable task) {
        commands.add(task);
        wake();
    }

    /**
     * Any thread: runs a task on the delivery thread and waits for its result (at once when called
     * on the delivery thread).
     *
     * @throws BrokerException {@link ErrorCode#CLOSED} when the delivery thread has stopped
     */
    <T> T call(Supplier<T> task) {
        if (Thread.currentThread() == thread) {
            return task.get();
        }
        if (!thread.isAlive()) {
            throw new BrokerException(ErrorCode.CLOSED, "the broker's delivery service is closed");
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(task.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get(10, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (!thread.isAlive() && !result.isDone()) {
                        throw new BrokerException(ErrorCode.CLOSED, "the broker's delivery service closed during the request");
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException) {
                        throw (RuntimeException) cause;
                    }
                    if (cause instanceof Error) {
                        throw (Error) cause;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Any thread: adds a task run on the delivery thread every {@link #TICK_NANOS}. */
    void addPeriodicTask(Runnable task) {
        periodicTasks.add(task);
    }

    /** Any thread: removes a periodic task. */
    void removePeriodicTask(Runnable task) {
        periodicTasks.remove(task);
    }

    /** Any thread: wakes the delivery thread if it is parked. */
    void wake() {
        LockSupport.unpark(thread);
    }

    /** @return whether the caller runs on the delivery thread */
    boolean onDeliveryThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Waits until the delivery thread has completed a pass that started after this call, so that
     * whatever flag the caller set before is seen and no handler call started before it is still
     * running. Returns at once on the delivery thread itself or when it has ended; gives up with a
     * warning after 10 s (a handler that never returns).
     */
    void awaitCycle() {
        if (Thread.currentThread() == thread) {
            return;
        }
        long target = cycles + 1;
        long deadline = System.nanoTime() + AWAIT_NANOS;
        wake();
        while (cycles < target && thread.isAlive()) {
            if (System.nanoTime() - deadline > 0) {
                LOG.warn("The delivery thread did not complete a pass within {} s (a handler blocks it?); going on without it",
                        TimeUnit.NANOSECONDS.toSeconds(AWAIT_NANOS));
                return;
            }
            LockSupport.parkNanos(20_000);
        }
    }

    /** Delivery thread. */
    private void agentAdd(SubscriptionImpl subscription) {
        if (subscription.isClosed()) {
            subscriptions.remove(subscription);
            subscription.release();
            return;
        }
        active.add(subscription);
    }

    /** The duty cycle of the delivery thread. */
    private final class DeliveryAgent implements Agent {
        private long nextTick;

        @Override
        public void onStart() {
            nextTick = System.nanoTime();
        }

        @Override
        public int doWork() {
            try {
                int work = 0;
                Runnable command;
                while ((command = commands.poll()) != null) {
                    run(command);
                    work++;
                }
                List<SubscriptionImpl> list = active;
                for (int i = 0; i < list.size(); i++) {
                    SubscriptionImpl subscription = list.get(i);
                    if (subscription.isClosed()) {
                        remove(list, i--);
                        continue;
                    }
                    try {
                        work += subscription.poll();
                    } catch (RuntimeException e) {
                        LOG.error("Delivery to {} failed; the subscription is closed", subscription, e);
                        subscription.markClosed();
                    }
                }
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    nextTick = now + TICK_NANOS;
                    for (int i = 0; i < list.size(); i++) {
                        SubscriptionImpl subscription = list.get(i);
                        try {
                            subscription.tick(now);
                        } catch (RuntimeException e) {
                            LOG.error("The periodic check of {} failed; the subscription is closed", subscription, e);
                            subscription.markClosed();
                        }
                    }
                    for (Runnable task : periodicTasks) {
                        run(task);
                    }
                }
                return work;
            } finally {
                cycles++;
            }
        }

        private void run(Runnable task) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("A task on the delivery thread failed", e);
            }
        }

        private void remove(List<SubscriptionImpl> list, int index) {
            SubscriptionImpl subscription = list.get(index);
            int last = list.size() - 1;
            list.set(index, list.get(last));
            list.remove(last);
            subscriptions.remove(subscription);
            subscription.release();
        }

        @Override
        public void onClose() {
            Runnable command;
            while ((command = commands.poll()) != null) {
                run(command);
            }
            for (SubscriptionImpl subscription : active) {
                subscription.markClosed();
                subscriptions.remove(subscription);
                subscription.release();
            }
            active.clear();
            for (SubscriptionImpl subscription : subscriptions) {
                subscription.markClosed();
            }
            subscriptions.clear();
        }

        @Override
        public String roleName() {
            return "delivery";
        }
    }
}
