package io.memorystreamer.shell.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lines up rows of text in columns for the {@code ms:} commands' lists: each column as wide as its
 * widest cell, two spaces between columns, columns of whole numbers aligned right (with their
 * headings), trailing spaces trimmed.
 *
 * <p>Not thread-safe: build one, format it, drop it.
 */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] numeric;

    /** @param headers the column headings, upper case by convention */
    Table(String... headers) {
        rows.add(headers.clone());
        numeric = new boolean[headers.length];
        Arrays.fill(numeric, true);
    }

    /**
     * Adds a row.
     *
     * @param cells one per column ({@code String.valueOf} of each; a null shows as {@code -})
     * @return this table
     */
    Table row(Object... cells) {
        if (cells.length != numeric.length) {
            throw new IllegalArgumentException("a row of this table has " + numeric.length + " cells, not " + cells.length);
        }
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            row[i] = cells[i] == null ? "-" : String.valueOf(cells[i]);
            numeric[i] &= isNumber(row[i]);
        }
        rows.add(row);
        return this;
    }

    /** @return how many rows were added, the headings not counted */
    int size() {
        return rows.size() - 1;
    }

    /**
     * Appends the table, one line per row after the headings.
     *
     * @param text where to append
     * @param indent put in front of every line
     */
    void appendTo(StringBuilder text, String indent) {
        int[] widths = new int[numeric.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < row.length; i++) {
                boolean last = i == row.length - 1;
                String cell = row[i];
                int pad = widths[i] - cell.length();
                if (numeric[i]) {
                    line.append(" ".repeat(pad)).append(cell);
                } else {
                    line.append(cell).append(last ? "" : " ".repeat(pad));
                }
                if (!last) {
                    line.append("  ");
                }
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        appendTo(text, "");
        return text.toString();
    }

    private static boolean isNumber(String cell) {
        if (cell.isEmpty() || cell.equals("-")) {
            return true;
        }
        int start = cell.charAt(0) == '-' ? 1 : 0;
        if (start == cell.length()) {
            return false;
        }
        for (int i = start; i < cell.length(); i++) {
            if (!Character.isDigit(cell.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
