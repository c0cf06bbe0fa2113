package io.memorystreamer.multiplexing.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Not a test: run by hand to measure what a million streams cost (DESIGN.md: under 1 KB each, all
 * in). Creates N streams (keys {@code device/<i>/temperature}, 19 to 26 bytes), advances each once,
 * closes, reopens, and prints file bytes (apparent and allocated on disk), Chronicle's off-heap
 * count and heap after GC, each per stream. Needs the JVM options of the module's Surefire argLine:
 *
 * <pre>
 * ./mvnw -B -o -q -pl bundles/multiplexing dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * cd bundles/multiplexing &amp;&amp; java -Xmx2g -Dchronicle.analytics.disable=true \
 *   --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
 *   --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
 *   --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED \
 *   -cp target/classes:target/test-classes:$(cat /tmp/cp.txt) \
 *   io.memorystreamer.multiplexing.internal.StreamRegistrySizeHarness 1000000
 * </pre>
 */
public final class StreamRegistrySizeHarness {
    private StreamRegistrySizeHarness() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = Files.createTempDirectory("stream-registry-size");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heapBefore = heapAfterGc(memory);
        long start = System.nanoTime();
        ChronicleStreamRegistry registry = ChronicleStreamRegistry.open(dir, "size", n);
        byte[] key = new byte[64];
        for (int i = 0; i < n; i++) {
            byte[] s = ("device/" + i + "/temperature").getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(s, 0, key, 0, s.length);
            registry.lookupOrCreate(key, 0, s.length, i);
            registry.advance(key, 0, s.length, 1, i * 64L, i);
        }
        long created = System.nanoTime() - start;
        long heapLoaded = heapAfterGc(memory);
        long offHeap = registry.offHeapMemoryUsed();
        Path file = registry.file();
        registry.close();
        long apparent = Files.size(file);
        long allocated = allocatedBytes(file);
        long reopenStart = System.nanoTime();
        registry = ChronicleStreamRegistry.open(dir, "size", n);
        long reopened = System.nanoTime() - reopenStart;
        long size = registry.size();
        long heapReopened = heapAfterGc(memory);
        registry.close();
        System.out.printf("streams: %,d (size after reopen %,d)%n", n, size);
        System.out.printf("create+advance: %.1f s, %.2f us per stream; reopen (scan for next id): %.0f ms%n",
                created / 1e9, created / 1e3 / n, reopened / 1e6);
        System.out.printf("file apparent size: %,d B = %.1f B/stream%n", apparent, (double) apparent / n);
        System.out.printf("file allocated on disk: %,d B = %.1f B/stream%n", allocated, (double) allocated / n);
        System.out.printf("off-heap used (Chronicle): %,d B = %.1f B/stream%n", offHeap, (double) offHeap / n);
        System.out.printf("heap after GC, loaded minus before: %,d B = %.2f B/stream (reopened: %,d B)%n",
                heapLoaded - heapBefore, (double) (heapLoaded - heapBefore) / n, heapReopened - heapBefore);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static long heapAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** @return the bytes the file takes on disk (it is sparse), from {@code stat}; -1 if unknown */
    private static long allocatedBytes(Path file) throws IOException, InterruptedException {
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).redirectErrorStream(true).start();
        String[] out = new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
        return stat.waitFor() == 0 && out.length == 2 ? Long.parseLong(out[0]) * Long.parseLong(out[1]) : -1;
    }
}
