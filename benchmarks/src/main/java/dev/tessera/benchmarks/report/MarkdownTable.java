package dev.tessera.benchmarks.report;

import java.util.ArrayList;
import java.util.List;

/** A Markdown table built row by row; numeric columns are right-aligned. */
public final class MarkdownTable {

    private final List<String> header;
    private final boolean[] rightAligned;
    private final List<List<String>> rows = new ArrayList<>();

    /** A header cell starting with {@code >} marks a right-aligned (numeric) column. */
    public MarkdownTable(String... header) {
        this.header = new ArrayList<>();
        this.rightAligned = new boolean[header.length];
        for (int i = 0; i < header.length; i++) {
            rightAligned[i] = header[i].startsWith(">");
            this.header.add(rightAligned[i] ? header[i].substring(1) : header[i]);
        }
    }

    public MarkdownTable row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + header.size());
        }
        List<String> row = new ArrayList<>();
        for (Object c : cells) {
            row.add(String.valueOf(c));
        }
        rows.add(row);
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        line(sb, header);
        List<String> rule = new ArrayList<>();
        for (boolean right : rightAligned) {
            rule.add(right ? "---:" : "---");
        }
        line(sb, rule);
        rows.forEach(r -> line(sb, r));
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells) {
        sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
}
