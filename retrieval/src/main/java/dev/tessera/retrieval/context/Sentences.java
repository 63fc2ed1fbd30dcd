package dev.tessera.retrieval.context;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Sentence spans by the JDK's {@link BreakIterator}, trimmed of surrounding whitespace. */
public final class Sentences {

    private Sentences() {}

    /** {@code [start, end)} of every non-blank sentence of {@code text}, in order. */
    public static List<int[]> spans(String text) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        it.setText(text);
        List<int[]> spans = new ArrayList<>();
        int start = it.first();
        for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            int s = start, e = end;
            while (s < e && Character.isWhitespace(text.charAt(s))) s++;
            while (e > s && Character.isWhitespace(text.charAt(e - 1))) e--;
            if (e > s) {
                spans.add(new int[] {s, e});
            }
        }
        return spans;
    }
}
