package io.memorystreamer.core.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests of {@link CompositeAgent}: sums work, runs every agent even when one throws. */
class CompositeAgentTest {
    /** An agent that records its calls and returns or throws what it is told. */
    static final class ScriptedAgent implements Agent {
        final String role;
        final List<String> calls;
        int work;
        Exception failure;

        ScriptedAgent(String role, int work, List<String> calls) {
            this.role = role;
            this.work = work;
            this.calls = calls;
        }

        @Override
        public int doWork() throws Exception {
            calls.add(role + ".doWork");
            if (failure != null) {
                throw failure;
            }
            return work;
        }

        @Override
        public String roleName() {
            return role;
        }

        @Override
        public void onStart() throws Exception {
            calls.add(role + ".onStart");
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void onClose() throws Exception {
            calls.add(role + ".onClose");
            if (failure != null) {
                throw failure;
            }
        }
    }

    @Test
    void sumsTheWorkOfItsAgentsInOrder() throws Exception {
        List<String> calls = new ArrayList<>();
        CompositeAgent composite = new CompositeAgent(new ScriptedAgent("a", 2, calls),
                new ScriptedAgent("b", 0, calls), new ScriptedAgent("c", 5, calls));
        assertEquals(7, composite.doWork());
        assertEquals(List.of("a.doWork", "b.doWork", "c.doWork"), calls);
        assertEquals("[a,b,c]", composite.roleName());
        assertEquals(3, composite.agents().size());
    }

    @Test
    void everyAgentRunsEvenWhenOneThrowsThenTheFirstFailureIsRethrown() {
        List<String> calls = new ArrayList<>();
        ScriptedAgent a = new ScriptedAgent("a", 1, calls);
        ScriptedAgent b = new ScriptedAgent("b", 1, calls);
        ScriptedAgent c = new ScriptedAgent("c", 1, calls);
        IOException first = new IOException("b failed");
        IllegalStateException second = new IllegalStateException("c failed");
        b.failure = first;
        c.failure = second;
        CompositeAgent composite = new CompositeAgent(List.of(a, b, c));
        Exception thrown = assertThrows(IOException.class, composite::doWork);
        assertSame(first, thrown);
        assertSame(second, thrown.getSuppressed()[0]);
        assertEquals(List.of("a.doWork", "b.doWork", "c.doWork"), calls);
    }

    @Test
    void startsAndClosesEveryAgent() throws Exception {
        List<String> calls = new ArrayList<>();
        ScriptedAgent a = new ScriptedAgent("a", 1, calls);
        ScriptedAgent b = new ScriptedAgent("b", 1, calls);
        CompositeAgent composite = new CompositeAgent(a, b);
        composite.onStart();
        composite.onClose();
        assertEquals(List.of("a.onStart", "b.onStart", "a.onClose", "b.onClose"), calls);
        calls.clear();
        a.failure = new IOException("no");
        assertThrows(IOException.class, composite::onClose);
        assertEquals(List.of("a.onClose", "b.onClose"), calls);
        calls.clear();
        assertThrows(IOException.class, composite::onStart);
        assertEquals(List.of("a.onStart", "b.onStart"), calls);
    }

    @Test
    void needsAtLeastOneAgent() {
        assertThrows(IllegalArgumentException.class, () -> new CompositeAgent());
        assertThrows(NullPointerException.class, () -> new CompositeAgent((Agent) null));
    }
}
