package io.memorystreamer.shell.internal;

import io.memorystreamer.wal.WriteAheadLog;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Finds the write-ahead logs of the broker: every {@link WriteAheadLog} service, by its
 * {@value #LOG_NAME} property. Today the wal bundle registers one per factory configuration
 * {@value #FACTORY_PID}; once topics exist, shards register theirs the same way.
 *
 * <p>Stateless; thread-safe.
 */
final class WalLogs {
    /** Service property: the log's name. */
    static final String LOG_NAME = "log.name";
    /** Service property: the PID of the configuration that opened the log. */
    static final String LOG_CONFIGURATION = "log.configuration";
    /** Service property, present after an invalid change of its configuration: why it was rejected. */
    static final String LOG_REJECTED_CHANGE = "log.rejected.change";
    /** The factory PID (and DS component name) that opens logs from configurations. */
    static final String FACTORY_PID = "io.memorystreamer.wal.log";

    private WalLogs() {
    }

    /** @return the log services, sorted by name */
    static List<ServiceReference<WriteAheadLog>> references(BundleContext context) {
        Collection<ServiceReference<WriteAheadLog>> found;
        try {
            found = context.getServiceReferences(WriteAheadLog.class, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("no filter was given", e);
        }
        List<ServiceReference<WriteAheadLog>> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparing(WalLogs::name));
        return sorted;
    }

    /** @return the name of the log behind {@code reference} */
    static String name(ServiceReference<?> reference) {
        return String.valueOf(reference.getProperty(LOG_NAME));
    }

    /**
     * Calls {@code action} with the log named {@code name}, and lets go of the service after.
     *
     * @return what {@code action} returned
     * @throws IllegalArgumentException when there is no such log, naming the open ones
     */
    static <T> T withLog(BundleContext context, String name, BiFunction<ServiceReference<WriteAheadLog>, WriteAheadLog, T> action) {
        List<ServiceReference<WriteAheadLog>> references = references(context);
        for (ServiceReference<WriteAheadLog> reference : references) {
            if (name.equals(name(reference))) {
                WriteAheadLog log = context.getService(reference);
                if (log == null) {
                    break;
                }
                try {
                    return action.apply(reference, log);
                } finally {
                    context.ungetService(reference);
                }
            }
        }
        List<String> known = new ArrayList<>();
        for (ServiceReference<WriteAheadLog> reference : references(context)) {
            known.add(name(reference));
        }
        throw new IllegalArgumentException("no write-ahead log named '" + name + "'" + (known.isEmpty()
                ? "; no log is open (a log opens from a factory configuration " + FACTORY_PID + ", see docs/operations.md)"
                : "; open logs: " + String.join(", ", known)));
    }
}
