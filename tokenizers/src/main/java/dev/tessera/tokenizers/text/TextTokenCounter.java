package dev.tessera.tokenizers.text;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Counts tokens of a downstream LLM's tokenizer (OpenAI BPE encodings via jtokkit), so that
 * context budgets are measured in the units the LLM will be billed in.
 */
public final class TextTokenCounter {

    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    private final String name;
    private final Encoding encoding;

    private TextTokenCounter(String name, Encoding encoding) {
        this.name = name;
        this.encoding = encoding;
    }

    /** @param name an encoding name such as {@code o200k_base} or {@code cl100k_base} */
    public static TextTokenCounter forEncoding(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (EncodingType type : EncodingType.values()) {
            if (type.getName().equals(key)) {
                return new TextTokenCounter(type.getName(), REGISTRY.getEncoding(type));
            }
        }
        throw new IllegalArgumentException("unknown tokenizer '" + name + "'; known: " + supported());
    }

    public static List<String> supported() {
        return Arrays.stream(EncodingType.values()).map(EncodingType::getName).toList();
    }

    public String name() {
        return name;
    }

    public int count(String text) {
        return encoding.countTokens(text);
    }

    /**
     * The text a client's token ids stand for (they tokenized with this encoding, as LangChain's
     * {@code OpenAIEmbeddings} does by default). Bytes that do not form UTF-8 on their own (a
     * character cut between ids) become U+FFFD, as OpenAI's own decoder does.
     *
     * @throws IllegalArgumentException naming the position of an id the encoding does not have
     */
    public String decode(int[] ids) {
        IntArrayList list = new IntArrayList(ids.length);
        IntArrayList one = new IntArrayList(1);
        for (int i = 0; i < ids.length; i++) {
            one.clear();
            one.add(ids[i]);
            try {
                encoding.decodeBytes(one);
            } catch (RuntimeException e) { // jtokkit refuses ids outside its vocabulary
                throw new IllegalArgumentException("token " + i + " (" + ids[i] + ") is not a " + name + " token id", e);
            }
            list.add(ids[i]);
        }
        return new String(encoding.decodeBytes(list), StandardCharsets.UTF_8);
    }

    /**
     * A run of consecutive tokens: characters {@code [start, end)} of the text and tokens
     * {@code [tokenStart, tokenEnd)} of its encoding.
     */
    public record TokenPiece(int start, int end, int tokenStart, int tokenEnd) {
        public int tokens() {
            return tokenEnd - tokenStart;
        }
    }

    /**
     * Cuts {@code text} into pieces of {@code tokensPerPiece} tokens (the last may be shorter),
     * with character offsets. A token boundary that falls inside a multi-byte character is moved
     * to the end of that character, so every piece is valid text; a piece left with no characters
     * that way is dropped. The pieces tile the text without gaps.
     */
    public List<TokenPiece> split(String text, int tokensPerPiece) {
        if (tokensPerPiece < 1) {
            throw new IllegalArgumentException("tokensPerPiece must be >= 1, was " + tokensPerPiece);
        }
        IntArrayList tokens = encoding.encodeOrdinary(text);
        int[] charAtByte = charOffsetsByByte(text);
        List<TokenPiece> pieces = new ArrayList<>();
        IntArrayList one = new IntArrayList(1);
        int bytePos = 0;
        int pieceStartChar = 0;
        int pieceStartToken = 0;
        for (int t = 0; t < tokens.size(); t++) {
            one.clear();
            one.add(tokens.get(t));
            bytePos += encoding.decodeBytes(one).length;
            boolean last = t == tokens.size() - 1;
            if ((t + 1 - pieceStartToken) == tokensPerPiece || last) {
                int endChar = last ? text.length() : charAtByte[Math.min(bytePos, charAtByte.length - 1)];
                if (endChar > pieceStartChar) {
                    pieces.add(new TokenPiece(pieceStartChar, endChar, pieceStartToken, t + 1));
                    pieceStartChar = endChar;
                    pieceStartToken = t + 1;
                }
            }
        }
        return pieces;
    }

    /** For every UTF-8 byte offset, the char offset of the first character boundary at or after it. */
    private static int[] charOffsetsByByte(String text) {
        int byteLength = text.getBytes(StandardCharsets.UTF_8).length;
        int[] map = new int[byteLength + 1];
        int b = 0;
        for (int c = 0; c < text.length(); ) {
            int cp = text.codePointAt(c);
            int width = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            int next = c + Character.charCount(cp);
            map[b] = c;
            for (int i = 1; i < width; i++) {
                map[b + i] = next;
            }
            b += width;
            c = next;
        }
        map[byteLength] = text.length();
        return map;
    }
}
