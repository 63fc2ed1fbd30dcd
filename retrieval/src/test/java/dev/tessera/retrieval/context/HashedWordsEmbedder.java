package dev.tessera.retrieval.context;

import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.embed.TextTokenizer;
import dev.tessera.retrieval.embed.VectorMath;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A cheap deterministic stand-in for a sentence encoder: hashed bag of lower-cased words, unit length. */
public final class HashedWordsEmbedder implements Embedder {

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private final int dimension;
    public final AtomicInteger textsEmbedded = new AtomicInteger();

    public HashedWordsEmbedder(int dimension) {
        this.dimension = dimension;
    }

    @Override
    public String name() {
        return "hashed-words-" + dimension;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public List<float[]> embed(List<String> texts, Role role) {
        textsEmbedded.addAndGet(texts.size());
        List<float[]> out = new ArrayList<>();
        for (String text : texts) {
            float[] v = new float[dimension];
            Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
            while (m.find()) {
                int h = m.group().hashCode() * 0x9E3779B1;
                v[Math.floorMod(h, dimension)] += (h & 0x10000) == 0 ? 1 : -1;
            }
            if (!m.reset().find()) v[0] = 1; // empty text still gets a unit vector
            VectorMath.normalizeInPlace(v);
            out.add(v);
        }
        return out;
    }

    @Override
    public TextTokenizer tokenizer() {
        return new TextTokenizer() {
            @Override
            public int[][] tokenSpans(String text) {
                List<int[]> spans = new ArrayList<>();
                Matcher m = WORD.matcher(text);
                while (m.find()) spans.add(new int[] {m.start(), m.end()});
                return spans.toArray(int[][]::new);
            }

            @Override
            public int count(String text) {
                return tokenSpans(text).length;
            }
        };
    }

    @Override
    public int maxTokens() {
        return 512;
    }

    @Override
    public void close() {}
}
