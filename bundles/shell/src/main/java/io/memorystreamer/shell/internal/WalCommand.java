package io.memorystreamer.shell.internal;

import io.memorystreamer.wal.LogConfig;
import io.memorystreamer.wal.LogStats;
import io.memorystreamer.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Gogo command {@code ms:wal}: the write-ahead logs of the broker (segments, positions, flush
 * lag, fsyncs, the last recovery report), and the log configurations that opened no log and why
 * (from SCR's record of the failed activation).
 *
 * <p>Thread-safe: it only reads services, which may come and go (a volatile reference).
 */
@Component(service = WalCommand.class, property = {
    "osgi.command.scope=ms",
    "osgi.command.function=wal"
})
public final class WalCommand {
    private final BundleContext context;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ServiceComponentRuntime scr;

    /** Creates the command for the given bundle context. */
    @Activate
    public WalCommand(BundleContext context) {
        this.context = context;
    }

    /**
     * {@code ms:wal}: every open log, and the configurations that opened none.
     *
     * @return the list
     */
    @Descriptor("list the write-ahead logs: segments, positions, flush lag, fsyncs, last recovery; and configurations that failed")
    public WalList wal() {
        List<WalView> views = new ArrayList<>();
        for (ServiceReference<WriteAheadLog> reference : WalLogs.references(context)) {
            WriteAheadLog log = context.getService(reference);
            if (log != null) {
                try {
                    views.add(view(reference, log));
                } finally {
                    context.ungetService(reference);
                }
            }
        }
        return new WalList(views, failedConfigurations());
    }

    /**
     * {@code ms:wal <name>}: one log, with its segment files.
     *
     * @param name the log's name
     * @return the log's view
     * @throws IllegalArgumentException when there is no such log, naming the open ones
     */
    @Descriptor("show one write-ahead log with its segment files")
    public WalView wal(@Descriptor("the log's name, as ms:wal lists it") String name) {
        return WalLogs.withLog(context, name, WalCommand::view);
    }

    static WalView view(ServiceReference<WriteAheadLog> reference, WriteAheadLog log) {
        LogStats stats = log.stats();
        long[] bases = stats.segmentBases();
        Path directory = Path.of(stats.directory());
        List<WalView.SegmentFile> files = new ArrayList<>(bases.length);
        for (int i = 0; i < bases.length; i++) {
            String file = segmentFileName(bases[i]);
            long bytes;
            try {
                bytes = Files.size(directory.resolve(file));
            } catch (IOException e) {
                bytes = -1;
            }
            files.add(new WalView.SegmentFile(file, bases[i], bytes, i == bases.length - 1));
        }
        Object configuration = reference.getProperty(WalLogs.LOG_CONFIGURATION);
        Object rejected = reference.getProperty(WalLogs.LOG_REJECTED_CHANGE);
        return new WalView(stats, log.recoveryReport(), configuration == null ? null : configuration.toString(),
                retention(log.config()), rejected == null ? null : rejected.toString(), files);
    }

    /** @return the name of the segment file starting at {@code base}, as docs/formats.md gives it */
    static String segmentFileName(long base) {
        return String.format("%020d.log", base);
    }

    static String retention(LogConfig config) {
        List<String> rules = new ArrayList<>();
        if (config.retentionAge() != null) {
            rules.add("sealed segments older than " + Units.duration(config.retentionAge()));
        }
        if (config.retentionBytes() > 0) {
            rules.add("oldest sealed segments while over " + Units.bytes(config.retentionBytes()));
        }
        return rules.isEmpty() ? "keeps everything" : "deletes " + String.join(", and ", rules);
    }

    private List<WalList.FailedLog> failedConfigurations() {
        ServiceComponentRuntime runtime = scr;
        List<WalList.FailedLog> failed = new ArrayList<>();
        if (runtime == null) {
            return failed;
        }
        for (ComponentDescriptionDTO description : runtime.getComponentDescriptionDTOs()) {
            if (!WalLogs.FACTORY_PID.equals(description.name)) {
                continue;
            }
            for (ComponentConfigurationDTO configuration : runtime.getComponentConfigurationDTOs(description)) {
                if (configuration.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    Object pid = configuration.properties.get("service.pid");
                    failed.add(new WalList.FailedLog(String.valueOf(pid), reason(configuration.failure)));
                }
            }
        }
        failed.sort((a, b) -> a.configuration().compareTo(b.configuration()));
        return failed;
    }

    /**
     * @param failure SCR's failure text: the stack trace of what the activation threw
     * @return the first message in it (the exception's own, or its cause's when it has none), without class names
     */
    static String reason(String failure) {
        if (failure == null || failure.isBlank()) {
            return "activation failed (see the broker's log)";
        }
        String[] lines = failure.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            boolean cause = lines[i].startsWith("Caused by: ");
            if (i > 0 && !cause) {
                continue;
            }
            String header = cause ? lines[i].substring("Caused by: ".length()) : lines[i];
            String message = header.replaceFirst("^[\\w.$]+(Exception|Error|Throwable)(: |$)", "").trim();
            if (!message.isEmpty() && !message.equals("null")) {
                return message;
            }
        }
        return lines[0].trim();
    }
}
