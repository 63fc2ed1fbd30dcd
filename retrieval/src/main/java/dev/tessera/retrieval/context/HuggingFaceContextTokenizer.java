package dev.tessera.retrieval.context;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.tessera.tokenizers.text.TextTokenCounter.TokenPiece;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face {@code tokenizer.json} (DJL's binding of the Rust tokenizers) as the budget's
 * tokenizer. It counts the ids of the text alone — no special tokens, no truncation, no padding —
 * because the context is pasted into a longer prompt whose special tokens are the prompt's own.
 * Thread-safe; holds native memory until {@link #close()}.
 */
public final class HuggingFaceContextTokenizer implements ContextTokenizer, AutoCloseable {

    private final String name;
    private final HuggingFaceTokenizer tokenizer;

    private HuggingFaceContextTokenizer(String name, HuggingFaceTokenizer tokenizer) {
        this.name = name;
        this.tokenizer = tokenizer;
    }

    /**
     * @throws UncheckedIOException when the file cannot be read
     * @throws IllegalArgumentException when it is not a tokenizer the library understands
     */
    public static HuggingFaceContextTokenizer load(String name, Path tokenizerJson) {
        try {
            return new HuggingFaceContextTokenizer(name, HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load tokenizer " + tokenizerJson, e);
        } catch (RuntimeException e) {
            // The native side reports a malformed file as a bare RuntimeException.
            throw new IllegalArgumentException("not a usable tokenizer.json: " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int count(String text) {
        return text.isEmpty() ? 0 : tokenizer.encode(text).getIds().length;
    }

    /**
     * Pieces of {@code tokensPerPiece} tokens with the encoding's character spans. A piece ends
     * where its last token ends, so text between tokens (whitespace, characters the normaliser
     * drops) goes to the following piece; the last piece ends at the end of the text. When a
     * boundary would leave a piece with no characters (several tokens from one character), its
     * tokens join the next piece, which then has more than {@code tokensPerPiece} tokens. Text
     * that encodes to no tokens at all gives no pieces.
     */
    @Override
    public List<TokenPiece> split(String text, int tokensPerPiece) {
        if (tokensPerPiece < 1) {
            throw new IllegalArgumentException("tokensPerPiece must be >= 1, was " + tokensPerPiece);
        }
        if (text.isEmpty()) {
            return List.of();
        }
        CharSpan[] spans = tokenizer.encode(text).getCharTokenSpans();
        int[] charAtCodePoint = charOffsetsByCodePoint(text);
        List<TokenPiece> pieces = new ArrayList<>();
        int pieceStartChar = 0;
        int pieceStartToken = 0;
        for (int t = 0; t < spans.length; t++) {
            boolean last = t == spans.length - 1;
            if (t + 1 - pieceStartToken < tokensPerPiece && !last) {
                continue;
            }
            int endChar = last ? text.length() : tokenEnd(spans[t], charAtCodePoint);
            if (endChar > pieceStartChar) {
                pieces.add(new TokenPiece(pieceStartChar, endChar, pieceStartToken, t + 1));
                pieceStartChar = endChar;
                pieceStartToken = t + 1;
            }
        }
        return pieces;
    }

    /** The tokenizers library reports offsets in code points; Java strings index UTF-16 units. */
    private static int tokenEnd(CharSpan span, int[] charAtCodePoint) {
        if (span == null) {
            return 0; // no span (never for ordinary tokens): keep the boundary where it was
        }
        return charAtCodePoint[Math.min(Math.max(span.getEnd(), 0), charAtCodePoint.length - 1)];
    }

    private static int[] charOffsetsByCodePoint(String text) {
        int[] map = new int[text.codePointCount(0, text.length()) + 1];
        int c = 0;
        for (int cp = 0; cp < map.length - 1; cp++) {
            map[cp] = c;
            c += Character.charCount(text.codePointAt(c));
        }
        map[map.length - 1] = text.length();
        return map;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
