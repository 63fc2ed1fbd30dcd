package dev.tessera.benchmarks.vectors;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Distinct passages of real text for vector benchmarks: every sentence of the corpora, then
 * overlapping word windows of 12-24 words until the target count is reached. The result is
 * shuffled with a fixed seed, so any prefix (the 10k set inside the 100k set) mixes both sources
 * and reruns give the very same list, hence the same cache key.
 */
public final class TextPool {

    static final int MIN_SENTENCE_WORDS = 4;
    static final int MIN_WINDOW = 12;
    static final int MAX_WINDOW = 24;
    static final int STRIDE = 4;
    private static final long SEED = 20_240_601L;

    private TextPool() {}

    public static List<String> build(List<String> documents, int target) {
        Set<String> texts = new LinkedHashSet<>();
        for (String doc : documents) {
            for (String sentence : sentences(doc)) {
                if (sentence.split(" ").length >= MIN_SENTENCE_WORDS) {
                    texts.add(sentence);
                }
            }
        }
        // Offsets 0, 2, 1, 3 of a stride-4 walk: each pass adds windows that overlap the earlier ones.
        for (int offset : new int[] {0, 2, 1, 3}) {
            if (texts.size() >= target) {
                break;
            }
            for (int d = 0; d < documents.size() && texts.size() < target; d++) {
                String[] words = normalise(documents.get(d)).split(" ");
                for (int start = offset; start + MIN_WINDOW <= words.length && texts.size() < target; start += STRIDE) {
                    int length = MIN_WINDOW + Math.floorMod(31 * d + 17 * start + offset, MAX_WINDOW - MIN_WINDOW + 1);
                    int end = Math.min(words.length, start + length);
                    texts.add(String.join(" ", java.util.Arrays.copyOfRange(words, start, end)));
                }
            }
        }
        if (texts.size() < target) {
            throw new IllegalArgumentException("the datasets give only " + texts.size()
                    + " distinct passages; ask for fewer or add a --dataset");
        }
        List<String> out = new ArrayList<>(texts);
        Collections.shuffle(out, new Random(SEED));
        return List.copyOf(out.subList(0, target));
    }

    static List<String> sentences(String text) {
        String clean = normalise(text);
        List<String> out = new ArrayList<>();
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        it.setText(clean);
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String s = clean.substring(start, end).strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    static String normalise(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }
}
