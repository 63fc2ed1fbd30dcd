package dev.tessera.retrieval.context;

import dev.tessera.retrieval.context.crag.CragAssembler;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.embed.Embedder.Role;
import dev.tessera.retrieval.embed.Embedder.Spanned;
import dev.tessera.retrieval.index.SpanVectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What crag and refrag embed for a candidate, computed once at ingest: the vectors of a chunk's
 * {@link ContextUnits} under the default context tokenizer and chunk size, stored with the chunk
 * ({@link SpanVectors}) and handed to the {@link EmbeddingCache} when the chunk is a candidate. A
 * request with another tokenizer or chunk size asks for other spans, and the cache embeds those
 * as before.
 *
 * @param tokenizer the context tokenizer whose k-token chunks are precomputed
 * @param chunkTokens refrag's chunk size
 * @param source how span vectors are made
 */
public record ContextPrecompute(ContextTokenizer tokenizer, int chunkTokens, Source source) {

    /** How a span's vector is made. */
    public enum Source {
        /**
         * Pooled over the span's tokens from the chunk's own forward pass ("late chunking"): no
         * extra model work at ingest. The chunk's own vector is the stored one.
         */
        LATE,
        /** Each span embedded as a text of its own, exactly what a request would compute: about 3× the ingest work. */
        ALONE;

        public static Source parse(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown span source '" + value + "' (late, alone)");
            }
        }
    }

    /** Chunk vectors (one per passage) and the span vectors of each chunk text. */
    public record Result(List<float[]> vectors, List<SpanVectors> spans) {}

    /**
     * Embeds each passage (what the index stores a vector for: the chunk, titled) and the context
     * units of its chunk text, which is the passage's tail.
     */
    public Result embed(Embedder embedder, List<String> passages, List<String> chunkTexts) {
        List<List<int[]>> units = new ArrayList<>(chunkTexts.size());
        for (String text : chunkTexts) {
            units.add(ContextUnits.all(text, tokenizer, chunkTokens, CragAssembler.MAX_SENTENCE_TOKENS));
        }
        List<List<int[]>> shifted = new ArrayList<>(passages.size());
        for (int i = 0; i < passages.size(); i++) {
            int offset = passages.get(i).length() - chunkTexts.get(i).length();
            shifted.add(units.get(i).stream().map(u -> new int[] {u[0] + offset, u[1] + offset}).toList());
        }
        List<Spanned> spanned = source == Source.LATE
                ? embedder.embedWithSpans(passages, shifted, Role.DOCUMENT)
                : Embedder.embedSpansAlone(embedder, passages, shifted, Role.DOCUMENT);
        List<float[]> vectors = new ArrayList<>(passages.size());
        List<SpanVectors> out = new ArrayList<>(passages.size());
        for (int i = 0; i < passages.size(); i++) {
            Spanned s = spanned.get(i);
            vectors.add(s.vector());
            List<SpanVectors.Span> spans = new ArrayList<>();
            String text = chunkTexts.get(i);
            for (int j = 0; j < units.get(i).size(); j++) {
                int[] u = units.get(i).get(j);
                // Late: the whole chunk is compared with other whole chunks (crag's clustering), and
                // its own pooled vector, the one retrieval uses, serves there better than a mean.
                boolean whole = u[0] == 0 && u[1] == text.length();
                float[] v = source == Source.LATE && whole ? s.vector() : s.spans()[j];
                if (v != null) spans.add(new SpanVectors.Span(u[0], u[1], v));
            }
            out.add(new SpanVectors(s.vector().length, spans));
        }
        return new Result(vectors, out);
    }
}
