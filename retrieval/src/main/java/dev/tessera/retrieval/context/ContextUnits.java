package dev.tessera.retrieval.context;

import dev.tessera.tokenizers.text.TextTokenCounter.TokenPiece;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pieces of a candidate's text that context assembly embeds, in one place so that what ingest
 * precomputes and what the assemblers ask for are the same substrings: the whole text, its
 * sentences ({@link Sentences}), a long sentence's token pieces (crag) and the text's k-token chunks
 * (refrag).
 */
public final class ContextUnits {

    private ContextUnits() {}

    /** A k-token chunk of a text: its tokens, and characters {@code [start, end)} trimmed of outer whitespace. */
    public record Piece(TokenPiece tokens, int start, int end) {}

    /**
     * Sentences, with one longer than {@code maxTokens} cut into pieces of that many tokens so that
     * text without recognisable sentence ends still yields units that fit small budgets.
     */
    public static List<int[]> sentenceUnits(String text, ContextTokenizer tokenizer, int maxTokens) {
        List<int[]> out = new ArrayList<>();
        for (int[] span : Sentences.spans(text)) {
            String sentence = text.substring(span[0], span[1]);
            if (tokenizer.count(sentence) <= maxTokens) {
                out.add(span);
                continue;
            }
            for (TokenPiece piece : tokenizer.split(sentence, maxTokens)) {
                int[] trimmed = trim(text, span[0] + piece.start(), span[0] + piece.end());
                if (trimmed != null) out.add(trimmed);
            }
        }
        return out;
    }

    /** The text cut into chunks of {@code chunkTokens} tokens; whitespace-only chunks are left out. */
    public static List<Piece> pieces(String text, ContextTokenizer tokenizer, int chunkTokens) {
        List<Piece> out = new ArrayList<>();
        for (TokenPiece p : tokenizer.split(text, chunkTokens)) {
            int[] trimmed = trim(text, p.start(), p.end());
            if (trimmed != null) out.add(new Piece(p, trimmed[0], trimmed[1]));
        }
        return out;
    }

    /**
     * Every span crag and refrag embed for {@code text} under this tokenizer and chunk size, each
     * once, ordered by start then end: the whole text (trimmed), the sentences, crag's sentence units
     * ({@code maxSentenceTokens}) and refrag's chunks.
     */
    public static List<int[]> all(String text, ContextTokenizer tokenizer, int chunkTokens, int maxSentenceTokens) {
        Map<Long, int[]> distinct = new LinkedHashMap<>();
        List<int[]> candidates = new ArrayList<>();
        int[] whole = trim(text, 0, text.length());
        if (whole != null) candidates.add(new int[] {0, text.length()});
        candidates.addAll(Sentences.spans(text));
        candidates.addAll(sentenceUnits(text, tokenizer, maxSentenceTokens));
        for (Piece p : pieces(text, tokenizer, chunkTokens)) candidates.add(new int[] {p.start(), p.end()});
        for (int[] s : candidates) distinct.putIfAbsent(((long) s[0] << 32) | s[1], s);
        List<int[]> out = new ArrayList<>(distinct.values());
        out.sort(Comparator.comparingInt((int[] s) -> s[0]).thenComparingInt(s -> s[1]));
        return out;
    }

    private static int[] trim(String text, int s, int e) {
        while (s < e && Character.isWhitespace(text.charAt(s))) s++;
        while (e > s && Character.isWhitespace(text.charAt(e - 1))) e--;
        return e > s ? new int[] {s, e} : null;
    }
}
