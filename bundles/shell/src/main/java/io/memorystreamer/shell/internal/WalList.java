package io.memorystreamer.shell.internal;

import java.util.List;

/**
 * What {@code ms:wal} lists: every open write-ahead log, and every log configuration that opened
 * no log, with the reason. Immutable.
 *
 * @param logs one view per open log, by name
 * @param failed configurations whose log could not be opened
 */
public record WalList(List<WalView> logs, List<FailedLog> failed) implements PeopleFormat {

    /** Copies the lists, so the list stays immutable. */
    public WalList {
        logs = List.copyOf(logs);
        failed = List.copyOf(failed);
    }

    @Override
    public String formatFull() {
        StringBuilder text = new StringBuilder();
        if (logs.isEmpty()) {
            text.append("no write-ahead log is open (a log opens from a factory configuration ").append(WalLogs.FACTORY_PID)
                    .append(", see docs/operations.md)\n");
        } else {
            text.append(logs.size()).append(logs.size() == 1 ? " write-ahead log\n" : " write-ahead logs\n");
            for (WalView view : logs) {
                text.append('\n').append(view.formatBlock());
            }
        }
        if (!failed.isEmpty()) {
            text.append("\nconfigurations that opened no log:\n");
            for (FailedLog failure : failed) {
                text.append("  ").append(failure.formatLine()).append('\n');
            }
        }
        return text.toString();
    }

    @Override
    public String formatLine() {
        return logs.size() + " write-ahead logs" + (failed.isEmpty() ? "" : ", " + failed.size() + " configurations failed");
    }

    /**
     * A log configuration that opened no log.
     *
     * @param configuration its PID
     * @param reason why, as the wal bundle said it
     */
    public record FailedLog(String configuration, String reason) {
        String formatLine() {
            return reason.contains(configuration) ? reason : configuration + ": " + reason;
        }
    }
}
