package dev.tessera.benchmarks.rag;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A small SVG line chart: answer containment against mean tokens used, one line per strategy. */
final class ContainmentPlot {

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

    private ContainmentPlot() {}

    static String svg(Map<String, RagEvaluation.Cell> cells, List<String> strategies, int[] budgets, int n) {
        int w = 640, h = 400, left = 60, right = 20, top = 30, bottom = 50;
        double maxTokens = 0;
        for (RagEvaluation.Cell c : cells.values()) {
            maxTokens = Math.max(maxTokens, (double) c.tokens / n);
        }
        double xMax = Math.ceil(maxTokens / 100) * 100;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", w, h));
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\">Answer containment vs tokens used (SQuAD 2.0 subset)</text>%n", left));
        // axes and grid
        for (int i = 0; i <= 5; i++) {
            double y = top + (h - top - bottom) * (1 - i / 5.0);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>%n", left, y, w - right, y, left - 6, y + 4, i / 5.0));
            double x = left + (w - left - right) * i / 5.0;
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f</text>%n",
                    x, h - bottom + 18, xMax * i / 5.0));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">mean tokens used (o200k_base)</text>%n",
                (w + left) / 2, h - 12));
        for (int s = 0; s < strategies.size(); s++) {
            StringBuilder points = new StringBuilder();
            for (int budget : budgets) {
                RagEvaluation.Cell c = cells.get(strategies.get(s) + "@" + budget);
                double x = left + (w - left - right) * ((double) c.tokens / n) / xMax;
                double y = top + (h - top - bottom) * (1 - (double) c.contained / n);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, y,
                        COLOURS[s % COLOURS.length]));
            }
            sb.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    points.toString().trim(), COLOURS[s % COLOURS.length]));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", w - right - 80,
                    top + 20 + 16 * s, COLOURS[s % COLOURS.length], strategies.get(s)));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }
}
