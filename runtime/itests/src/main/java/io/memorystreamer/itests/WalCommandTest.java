package io.memorystreamer.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.wal.LogAppender;
import io.memorystreamer.wal.WriteAheadLog;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Write-ahead logs opened from factory configurations in a real framework: the service, ms:wal,
 * ms:wal-verify, corruption found and set aside by recovery, invalid settings refused, closing.
 */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class WalCommandTest {
    private static final String FACTORY_PID = "io.memorystreamer.wal.log";
    private static final String FIRST_SEGMENT = "00000000000000000000.log";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 10_000)
    CommandProcessor processor;

    private final List<Configuration> configurations = new ArrayList<>();

    @AfterEach
    void deleteConfigurations() throws Exception {
        for (Configuration configuration : configurations) {
            try {
                configuration.delete();
            } catch (IllegalStateException alreadyDeleted) {
                // the test deleted it itself
            }
        }
    }

    @Test
    void logOpensFromAConfigurationAndTheShellShowsAndVerifiesIt() throws Exception {
        Path directory = temporaryDirectory();
        Configuration configuration = configure("itest-orders", "directory", directory.toString(), "segment.size", "65536");
        WriteAheadLog log = awaitLog("itest-orders");
        assertEquals(directory, log.config().directory());
        assertEquals(65536, log.config().segmentSize());
        long last = appendAndAwaitDurable(log, 2_000);

        try (Gogo gogo = new Gogo(processor)) {
            String list = gogo.print("ms:wal");
            System.out.println("---- ms:wal\n" + list);
            assertTrue(list.contains("log itest-orders\n"), list);
            assertTrue(list.contains("  configuration:   io.memorystreamer.wal.log~itest-orders\n"), list);
            assertTrue(list.contains("  directory:       " + directory + "\n"), list);
            assertTrue(list.contains("  durability:      BATCH\n"), list);
            assertTrue(list.contains("  segments:        2, 128.0 KiB\n"), list);
            assertTrue(list.contains("published " + log.publishedPosition() + ", durable " + log.durablePosition()), list);
            assertTrue(list.contains("  flush lag:       0 B\n"), list);
            assertTrue(list.contains("  retention:       keeps everything\n"), list);
            assertTrue(list.contains("  last recovery:   recovered log itest-orders: 0 segments, 0 frames"), list);
            assertFalse(list.contains("segment files:"), "the list leaves the files out: " + list);

            String one = gogo.print("ms:wal itest-orders");
            System.out.println("---- ms:wal itest-orders\n" + one);
            assertTrue(one.contains("  segment files:\n"), one);
            assertTrue(one.contains("    " + FIRST_SEGMENT + "  0..65536"), one);
            assertTrue(one.contains("64.0 KiB  sealed\n"), one);
            assertTrue(one.contains("    00000000000000065536.log  65536..131072"), one);
            assertTrue(one.contains("  active\n"), one);
            assertEquals("itest-orders", gogo.execute("(ms:wal itest-orders) name"));
            assertEquals(0L, gogo.execute("(ms:wal itest-orders) flushLag"));

            String verified = gogo.print("ms:wal-verify itest-orders");
            System.out.println("---- ms:wal-verify itest-orders\n" + verified);
            assertTrue(verified.startsWith("log itest-orders: VALID\n"), verified);
            assertTrue(verified.contains("  verified:   2000 frames, 2000 records, "), verified);
            assertTrue(verified.contains("(positions 0.." + log.publishedPosition() + ") in 2 segments"), verified);
            assertTrue(verified.contains("    " + FIRST_SEGMENT + "      1024 frames      1024 records  OK"), verified);
            assertEquals(2_000L, gogo.execute("(ms:wal-verify itest-orders) records"));
            assertEquals(Boolean.TRUE, gogo.execute("(ms:wal-verify --check itest-orders) valid"));
            assertTrue(last < log.publishedPosition());
        }

        configuration.delete();
        Awaits.until(() -> find("itest-orders"), reference -> reference == null, "deleting the configuration unregisters the log");
        // The component unregisters the service first, then closes the log.
        Awaits.until(log::isClosed, Boolean.TRUE::equals, "deleting the configuration closes the log");
        // isClosed() turns true as close() begins; the spare segment goes when it ends.
        Awaits.until(() -> Files.exists(directory.resolve("00000000000000131072.log")), Boolean.FALSE::equals,
                "no spare segment is left behind");
    }

    @Test
    void verifyFindsACorruptFrameAndRecoverySetsItsSegmentAside() throws Exception {
        Path directory = temporaryDirectory();
        Configuration configuration = configure("itest-damaged", "directory", directory.toString(), "segment.size", "65536");
        WriteAheadLog log = awaitLog("itest-damaged");
        appendAndAwaitDurable(log, 2_000);
        long damaged = 10 * 64;
        try (FileChannel file = FileChannel.open(directory.resolve(FIRST_SEGMENT), StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.wrap("X".getBytes(StandardCharsets.US_ASCII)), damaged + 16 + 36 + 2);
        }

        try (Gogo gogo = new Gogo(processor)) {
            String verified = gogo.print("ms:wal-verify itest-damaged");
            System.out.println("---- ms:wal-verify itest-damaged (a byte changed on disk)\n" + verified);
            assertTrue(verified.startsWith("log itest-damaged: CORRUPT\n"), verified);
            assertTrue(verified.contains("  verified:   10 frames, 10 records, 640 B (positions 0..640)"), verified);
            assertTrue(verified.contains("  corruption: position 640 in " + FIRST_SEGMENT + ": CRC32C mismatch"), verified);
            assertTrue(verified.contains("    " + FIRST_SEGMENT + "        10 frames        10 records  CORRUPT at position 640\n"),
                    verified);
            assertTrue(verified.contains("    00000000000000065536.log         0 frames         0 records  not verified\n"), verified);
            Exception check = assertThrows(Exception.class, () -> gogo.execute("ms:wal-verify --check itest-damaged"));
            assertTrue(check.getMessage().contains("log itest-damaged is not valid"), check.getMessage());

            configuration.delete();
            Awaits.until(() -> find("itest-damaged"), reference -> reference == null, "the log closes");
            configure("itest-damaged", "directory", directory.toString(), "segment.size", "65536");
            WriteAheadLog reopened = awaitLog("itest-damaged");
            assertFalse(reopened.recoveryReport().clean(), reopened.recoveryReport().toString());

            String shown = gogo.print("ms:wal itest-damaged");
            System.out.println("---- ms:wal itest-damaged (reopened)\n" + shown);
            assertTrue(shown.contains("segment " + FIRST_SEGMENT + " is corrupt at position 640"), shown);
            assertTrue(shown.contains("moved to corrupt/" + FIRST_SEGMENT + "."), shown);
            assertTrue(shown.contains("  positions:       start 65536, "), shown);
            String again = gogo.print("ms:wal-verify itest-damaged");
            assertTrue(again.startsWith("log itest-damaged: VALID\n"), again);
        }
    }

    @Test
    void invalidConfigurationOpensNoLogAndTheShellSaysWhy() throws Exception {
        configure("itest-bad", "directory", temporaryDirectory().toString(), "segment.size", "100");
        try (Gogo gogo = new Gogo(processor)) {
            String list = Awaits.until(() -> gogo.print("ms:wal"), text -> text.contains("itest-bad"),
                    "ms:wal never showed the failed configuration");
            System.out.println("---- ms:wal (a configuration with segment.size = 100)\n" + list);
            assertTrue(list.contains("configurations that opened no log:\n  Invalid configuration io.memorystreamer.wal.log~itest-bad:"
                    + " 'segment.size' = '100' must be from 65536 to 1073741824\n"), list);
            assertNull(find("itest-bad"));
        }
    }

    @Test
    void invalidChangeKeepsTheLogRunningAndValidChangeReopensIt() throws Exception {
        Path directory = temporaryDirectory();
        Configuration configuration = configure("itest-change", "directory", directory.toString());
        WriteAheadLog log = awaitLog("itest-change");
        appendAndAwaitDurable(log, 10);

        configuration.update(properties("directory", directory.toString(), "max.record.size", "12"));
        ServiceReference<WriteAheadLog> rejected = Awaits.until(() -> find("itest-change"),
                reference -> reference != null && reference.getProperty("log.rejected.change") != null, "the change was not rejected");
        assertSame(log, context.getService(rejected), "an invalid change leaves the running log alone");
        assertFalse(log.isClosed());
        try (Gogo gogo = new Gogo(processor)) {
            String shown = gogo.print("ms:wal itest-change");
            System.out.println("---- ms:wal itest-change (after an invalid change)\n" + shown);
            assertTrue(shown.contains("  rejected change: Invalid configuration io.memorystreamer.wal.log~itest-change:"
                    + " 'max.record.size' = '12' must be from 64 to 1073741824\n"), shown);

            configuration.update(properties("directory", directory.toString(), "durability", "sync"));
            WriteAheadLog reopened = Awaits.until(() -> awaitLog("itest-change"), next -> next != log, "the valid change never applied");
            assertNotSame(log, reopened);
            assertTrue(log.isClosed(), "the log was closed before it was reopened");
            assertEquals("SYNC", reopened.config().durability().name());
            assertEquals(10, reopened.recoveryReport().records(), reopened.recoveryReport().toString());
            String after = gogo.print("ms:wal itest-change");
            assertTrue(after.contains("  durability:      SYNC\n"), after);
            assertFalse(after.contains("rejected change"), after);
        }
    }

    @Test
    void twoConfigurationsCannotShareADirectoryAndTheDefaultDirectoryIsInTheData() throws Exception {
        configure("itest-default");
        WriteAheadLog log = awaitLog("itest-default");
        Path data = Path.of(context.getProperty("ms.data.dir")).toAbsolutePath().normalize();
        assertEquals(data.resolve("wal").resolve("itest-default"), log.config().directory());
        assertTrue(Files.exists(log.config().directory().resolve("wal.lock")));

        configure("itest-intruder", "directory", "wal/itest-default");
        try (Gogo gogo = new Gogo(processor)) {
            String list = Awaits.until(() -> gogo.print("ms:wal"), text -> text.contains("itest-intruder"),
                    "ms:wal never showed the refused configuration");
            assertTrue(list.contains("Invalid configuration io.memorystreamer.wal.log~itest-intruder: 'directory' = '"
                    + log.config().directory() + "' is already the directory of the log of configuration"
                    + " io.memorystreamer.wal.log~itest-default"), list);
        }
        assertNull(find("itest-intruder"));
        assertFalse(log.isClosed());
    }

    @Test
    void unknownLogIsAClearError() throws Exception {
        configure("itest-known", "directory", temporaryDirectory().toString());
        awaitLog("itest-known");
        try (Gogo gogo = new Gogo(processor)) {
            Exception e = assertThrows(Exception.class, () -> gogo.execute("ms:wal no-such-log"));
            assertTrue(e.getMessage().startsWith("no write-ahead log named 'no-such-log'; open logs: "), e.getMessage());
            assertTrue(e.getMessage().contains("itest-known"), e.getMessage());
            e = assertThrows(Exception.class, () -> gogo.execute("ms:wal-verify no-such-log"));
            assertTrue(e.getMessage().contains("no write-ahead log named 'no-such-log'"), e.getMessage());
            e = assertThrows(Exception.class, () -> gogo.execute("ms:wal-verify"));
            assertTrue(e.getMessage().startsWith("which log? open logs: "), e.getMessage());
            assertTrue(e.getMessage().contains("usage: ms:wal-verify [-c | --check] <log>"), e.getMessage());
        }
    }

    private Configuration configure(String name, String... pairs) throws Exception {
        Configuration configuration = configAdmin.getFactoryConfiguration(FACTORY_PID, name, "?");
        configuration.update(properties(pairs));
        configurations.add(configuration);
        return configuration;
    }

    private static Dictionary<String, Object> properties(String... pairs) {
        Dictionary<String, Object> properties = new Hashtable<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            properties.put(pairs[i], pairs[i + 1]);
        }
        return properties;
    }

    private Path temporaryDirectory() throws Exception {
        Path home = Path.of(context.getProperty("ms.itest.home"));
        Files.createDirectories(home);
        return Files.createTempDirectory(home, "wal-").toAbsolutePath();
    }

    private ServiceReference<WriteAheadLog> find(String name) throws Exception {
        Collection<ServiceReference<WriteAheadLog>> found = context.getServiceReferences(WriteAheadLog.class, "(log.name=" + name + ")");
        return found.isEmpty() ? null : found.iterator().next();
    }

    private WriteAheadLog awaitLog(String name) throws Exception {
        ServiceReference<WriteAheadLog> reference = Awaits.until(() -> find(name), found -> found != null, "no log " + name);
        return context.getService(reference);
    }

    /** Appends records of one 64-byte frame each; @return the last one's position, once durable. */
    private static long appendAndAwaitDurable(WriteAheadLog log, int records) throws Exception {
        LogAppender appender = log.appender();
        long last = -1;
        for (int i = 0; i < records; i++) {
            last = appender.append(42, i, System.currentTimeMillis(), null, null, String.format("message-%d", i % 10)
                    .getBytes(StandardCharsets.UTF_8));
            assertTrue(last >= 0, "append " + i + " returned " + last);
        }
        long position = last;
        Awaits.until(log::durablePosition, durable -> durable > position, "the appends never became durable");
        return last;
    }
}
