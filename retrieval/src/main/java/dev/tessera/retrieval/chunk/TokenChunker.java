package dev.tessera.retrieval.chunk;

import dev.tessera.retrieval.embed.TextTokenizer;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Token-aware chunking with the embedder's own tokenizer: windows of at most {@code maxTokens}
 * tokens that overlap by about {@code overlapTokens}, cut at a sentence end when one falls in the
 * second half of the window (so chunks rarely split a sentence), otherwise at a word boundary.
 */
public final class TokenChunker implements Chunker {

    private final TextTokenizer tokenizer;
    private final int maxTokens;
    private final int overlapTokens;

    public TokenChunker(TextTokenizer tokenizer, int maxTokens, int overlapTokens) {
        if (maxTokens < 8) {
            throw new IllegalArgumentException("chunk size must be at least 8 tokens");
        }
        if (overlapTokens < 0 || overlapTokens >= maxTokens / 2) {
            throw new IllegalArgumentException("chunk overlap must be in [0, size/2)");
        }
        this.tokenizer = tokenizer;
        this.maxTokens = maxTokens;
        this.overlapTokens = overlapTokens;
    }

    @Override
    public List<Chunk> chunk(String text) {
        int[][] spans = tokenizer.tokenSpans(text);
        List<Chunk> chunks = new ArrayList<>();
        int n = spans.length;
        if (n == 0) {
            return chunks;
        }
        boolean[] sentenceStart = sentenceStarts(text, spans);
        int start = 0;
        while (start < n) {
            int end = Math.min(n, start + maxTokens);
            if (end < n) {
                end = cutPoint(text, spans, sentenceStart, start, end);
            }
            int from = spans[start][0];
            int to = spans[end - 1][1];
            chunks.add(new Chunk(chunks.size(), text.substring(from, to), from, to, end - start));
            if (end >= n) {
                break;
            }
            start = nextStart(text, spans, sentenceStart, start, end);
        }
        return chunks;
    }

    /** Token index (exclusive) where the chunk starting at {@code start} ends. */
    private int cutPoint(String text, int[][] spans, boolean[] sentenceStart, int start, int limit) {
        int half = start + (limit - start) / 2;
        for (int t = limit; t > half; t--) {
            if (sentenceStart[t]) {
                return t;
            }
        }
        for (int t = limit; t > half; t--) {
            if (wordStart(text, spans, t)) {
                return t;
            }
        }
        return limit;
    }

    /** Start of the next chunk: {@code overlap} tokens back from the cut, moved to a sentence or word start. */
    private int nextStart(String text, int[][] spans, boolean[] sentenceStart, int start, int end) {
        int candidate = Math.max(start + 1, end - overlapTokens);
        for (int t = candidate; t < end; t++) {
            if (sentenceStart[t]) {
                return t;
            }
        }
        for (int t = candidate; t < end; t++) {
            if (wordStart(text, spans, t)) {
                return t;
            }
        }
        return end;
    }

    private static boolean wordStart(String text, int[][] spans, int t) {
        int c = spans[t][0];
        return c == 0 || Character.isWhitespace(text.charAt(c - 1)) || spans[t - 1][1] < c;
    }

    /** Marks tokens that begin a sentence, using the JDK's locale-aware sentence rules. */
    private static boolean[] sentenceStarts(String text, int[][] spans) {
        boolean[] starts = new boolean[spans.length + 1];
        starts[spans.length] = true;
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        it.setText(text);
        int t = 0;
        for (int boundary = it.first(); boundary != BreakIterator.DONE; boundary = it.next()) {
            while (t < spans.length && spans[t][0] < boundary) {
                t++;
            }
            if (t < spans.length) {
                starts[t] = true;
            }
        }
        return starts;
    }
}
