package io.memorystreamer.wal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.opentest4j.AssertionFailedError;

/**
 * A small property-based testing harness: generates cases from seeded randomness, runs a property
 * on each, and on a failure shrinks the case's list of operations (drops runs of them while it
 * still fails) and reports the seed that reproduces it.
 *
 * <p>A run is bounded by a number of tries and by a time budget (the box is small and shared: a
 * slow machine runs fewer tries, it does not fail). Set {@code -Dwal.property.seed=N} to replay.
 *
 * @param <S> the case's fixed part (settings)
 * @param <O> one operation
 */
final class PropertyCheck<S, O> {
    /** One generated case: fixed settings and the operations to run. */
    record Case<S, O>(S setup, List<O> ops) {
    }

    /** The property: throws (an assertion) when it does not hold for a case. */
    @FunctionalInterface
    interface Property<S, O> {
        void check(Case<S, O> input, Path scratch) throws Exception;
    }

    private final String name;
    private int maxTries = 100;
    private Duration budget = Duration.ofSeconds(10);
    private int maxShrinkRuns = 150;

    PropertyCheck(String name) {
        this.name = name;
    }

    PropertyCheck<S, O> tries(int value) {
        this.maxTries = value;
        return this;
    }

    PropertyCheck<S, O> budget(Duration value) {
        this.budget = value;
        return this;
    }

    /** @return how many tries ran */
    int forAll(Path root, Function<Random, Case<S, O>> generator, Property<S, O> property) throws Exception {
        long baseSeed = Long.getLong("wal.property.seed", new Random().nextLong());
        long deadline = System.nanoTime() + budget.toNanos();
        int tries = 0;
        while (tries < maxTries && (tries < 5 || System.nanoTime() - deadline < 0)) {
            long seed = baseSeed + tries;
            Case<S, O> input = generator.apply(new Random(seed));
            Throwable failure = run(property, input, root, "try-" + tries);
            if (failure != null) {
                throw shrunk(property, input, failure, root, seed, tries);
            }
            tries++;
        }
        System.out.println("property '" + name + "': " + tries + " tries passed (base seed " + baseSeed + ")");
        return tries;
    }

    private Throwable run(Property<S, O> property, Case<S, O> input, Path root, String label) throws Exception {
        Path scratch = Files.createTempDirectory(root, label + "-");
        try {
            property.check(input, scratch);
            return null;
        } catch (AssertionError | Exception e) {
            return e;
        }
    }

    private AssertionError shrunk(Property<S, O> property, Case<S, O> original, Throwable originalFailure, Path root, long seed,
            int tries) throws Exception {
        Case<S, O> smallest = original;
        Throwable failure = originalFailure;
        int runs = 0;
        int chunk = Math.max(1, smallest.ops().size() / 2);
        while (chunk >= 1 && runs < maxShrinkRuns) {
            boolean removedAny = false;
            for (int from = 0; from < smallest.ops().size() && runs < maxShrinkRuns;) {
                List<O> fewer = new ArrayList<>(smallest.ops());
                fewer.subList(from, Math.min(from + chunk, fewer.size())).clear();
                Case<S, O> candidate = new Case<>(smallest.setup(), fewer);
                Throwable again = run(property, candidate, root, "shrink-" + runs);
                runs++;
                if (again != null) {
                    smallest = candidate;
                    failure = again;
                    removedAny = true;
                } else {
                    from += chunk;
                }
            }
            if (!removedAny) {
                chunk /= 2;
            }
        }
        StringBuilder text = new StringBuilder();
        text.append("property '").append(name).append("' failed on try ").append(tries).append(" (replay with -Dwal.property.seed=")
                .append(seed).append("); shrunk from ").append(original.ops().size()).append(" to ").append(smallest.ops().size())
                .append(" operations in ").append(runs).append(" runs:\n  setup: ").append(smallest.setup());
        for (O op : smallest.ops()) {
            text.append("\n  ").append(op);
        }
        text.append("\n  failure: ").append(failure);
        return new AssertionFailedError(text.toString(), failure);
    }
}
