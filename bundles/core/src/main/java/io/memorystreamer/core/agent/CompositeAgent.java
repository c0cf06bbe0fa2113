package io.memorystreamer.core.agent;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Several agents sharing one thread: each duty cycle calls every agent's {@link Agent#doWork()}
 * in order and returns the sum of their work.
 *
 * <p>If an agent throws, the others still get their turn in that cycle; then the first failure is
 * rethrown (later ones attached as suppressed) so the runner reports it. {@link #onStart()} and
 * {@link #onClose()} likewise call every agent and then rethrow the first failure.
 *
 * <p>Threading: like any agent, driven by one thread. Invariants: the list of agents is fixed at
 * construction and not empty.
 */
public final class CompositeAgent implements Agent {
    private final Agent[] agents;
    private final String roleName;

    /**
     * @param agents the agents to run together, at least one
     * @throws IllegalArgumentException if there are none
     */
    public CompositeAgent(Agent... agents) {
        Objects.requireNonNull(agents, "agents");
        if (agents.length == 0) {
            throw new IllegalArgumentException("A composite agent needs at least one agent");
        }
        this.agents = agents.clone();
        for (Agent a : this.agents) {
            Objects.requireNonNull(a, "agent");
        }
        this.roleName = Arrays.stream(this.agents).map(Agent::roleName)
                .collect(Collectors.joining(",", "[", "]"));
    }

    /**
     * @param agents the agents to run together, at least one
     */
    public CompositeAgent(List<? extends Agent> agents) {
        this(agents.toArray(new Agent[0]));
    }

    /** {@inheritDoc} The sum of the agents' work; every agent runs even if one throws. */
    @Override
    public int doWork() throws Exception {
        int work = 0;
        Exception failure = null;
        for (Agent agent : agents) {
            try {
                work += agent.doWork();
            } catch (Exception e) {
                failure = collect(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return work;
    }

    /** @return the agents' roles, e.g. {@code [sender,receiver]} */
    @Override
    public String roleName() {
        return roleName;
    }

    /** {@inheritDoc} Starts every agent, then rethrows the first failure. */
    @Override
    public void onStart() throws Exception {
        Exception failure = null;
        for (Agent agent : agents) {
            try {
                agent.onStart();
            } catch (Exception e) {
                failure = collect(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** {@inheritDoc} Closes every agent, then rethrows the first failure. */
    @Override
    public void onClose() throws Exception {
        Exception failure = null;
        for (Agent agent : agents) {
            try {
                agent.onClose();
            } catch (Exception e) {
                failure = collect(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** @return the agents, in the order they run */
    public List<Agent> agents() {
        return List.of(agents);
    }

    private static Exception collect(Exception first, Exception next) {
        if (first == null) {
            return next;
        }
        if (first != next) {
            first.addSuppressed(next);
        }
        return first;
    }
}
