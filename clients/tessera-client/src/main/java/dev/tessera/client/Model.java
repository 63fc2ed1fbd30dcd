package dev.tessera.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The request and answer bodies of Tessera's REST API, field for field (JSON names are the snake_case
 * of these). Optional request fields are null when left out; answers ignore fields a newer service adds.
 */
public final class Model {

    private Model() {}

    /** A collection to create: with {@code model} Tessera embeds its text; with {@code vectors} clients send every vector. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CollectionSpec(String name, String model, Vectors vectors) {
        public static CollectionSpec withModel(String name, String model) {
            return new CollectionSpec(name, model, null);
        }

        public static CollectionSpec withClientVectors(String name, int dimension, String similarity) {
            return new CollectionSpec(name, null, new Vectors(dimension, similarity));
        }
    }

    /** @param similarity {@code cosine} (default), {@code dot} or {@code euclidean} */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Vectors(int dimension, String similarity) {}

    /** A collection as {@code GET /v1/collections/{name}} describes it; {@code metadata} maps each key to its type. */
    public record CollectionInfo(String name, String model, int dimension, String similarity, String vectorEngine,
                                 String vectors, long documents, long chunks, long sizeOnDiskBytes,
                                 Map<String, String> metadata) {}

    /**
     * A document to store. {@code id} null lets the service choose one; {@code embedding} only in a
     * collection of client vectors; metadata values are strings, 64-bit integers, doubles, booleans
     * or arrays of one of them.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Document(String id, String title, String text, Map<String, Object> metadata, float[] embedding) {
        public static Document of(String text) {
            return new Document(null, null, text, null, null);
        }

        public Document withId(String newId) {
            return new Document(newId, title, text, metadata, embedding);
        }

        public Document withTitle(String newTitle) {
            return new Document(id, newTitle, text, metadata, embedding);
        }

        public Document withMetadata(Map<String, Object> newMetadata) {
            return new Document(id, title, text, newMetadata, embedding);
        }

        public Document withEmbedding(float[] newEmbedding) {
            return new Document(id, title, text, metadata, newEmbedding);
        }
    }

    /** The answer to storing a document: its id (the one given or the one chosen) and how many chunks it became. */
    public record Stored(String id, int chunks) {}

    public record Chunk(String chunkId, int ordinal, int start, int end, int tokens) {}

    public record StoredDocument(String id, String title, String text, Map<String, Object> metadata, List<Chunk> chunks) {}

    /** One page of a listing; pass {@code nextCursor} back for the next (null on the last page). */
    public record Page(List<StoredDocument> documents, String nextCursor) {}

    /**
     * A search. Build it with {@link #query(String)} or {@link #vector(float[])} and the {@code with}
     * methods; {@code filter} is Tessera's filter language as nested maps (see {@link Filters}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Search(String query, float[] vector, Integer k, Integer offset, Float minScore,
                         List<String> include, String mode, Map<String, Object> filter, String fusion, Double weight,
                         Boolean highlight) {
        public static Search query(String query) {
            return new Search(query, null, null, null, null, null, null, null, null, null, null);
        }

        public static Search vector(float[] vector) {
            return new Search(null, vector, null, null, null, null, null, null, null, null, null);
        }

        public Search withK(int newK) {
            return new Search(query, vector, newK, offset, minScore, include, mode, filter, fusion, weight, highlight);
        }

        public Search withOffset(int newOffset) {
            return new Search(query, vector, k, newOffset, minScore, include, mode, filter, fusion, weight, highlight);
        }

        public Search withMinScore(float newMinScore) {
            return new Search(query, vector, k, offset, newMinScore, include, mode, filter, fusion, weight, highlight);
        }

        /** What hits carry besides ids, offsets and scores: {@code text}, {@code metadata}, {@code vector}. */
        public Search withInclude(List<String> newInclude) {
            return new Search(query, vector, k, offset, minScore, newInclude, mode, filter, fusion, weight, highlight);
        }

        /** {@code bm25}, {@code vector} or {@code hybrid}. */
        public Search withMode(String newMode) {
            return new Search(query, vector, k, offset, minScore, include, newMode, filter, fusion, weight, highlight);
        }

        public Search withFilter(Map<String, Object> newFilter) {
            return new Search(query, vector, k, offset, minScore, include, mode, newFilter, fusion, weight, highlight);
        }

        /** Hybrid only: {@code adaptive}, {@code convex} or {@code rrf}, and the dense weight. */
        public Search withFusion(String newFusion, Double newWeight) {
            return new Search(query, vector, k, offset, minScore, include, mode, filter, newFusion, newWeight, highlight);
        }

        public Search withHighlight(boolean newHighlight) {
            return new Search(query, vector, k, offset, minScore, include, mode, filter, fusion, weight, newHighlight);
        }
    }

    /** What each side scored a hybrid hit; a side that did not retrieve it is null. */
    public record Scores(Float bm25, Float vector) {}

    public record Hit(String docId, String chunkId, float score, Scores scores, String title, String text, int start,
                      int end, List<String> highlights, Map<String, Object> metadata, float[] vector) {}

    public record SearchResult(List<Hit> hits, long tookMs, String mode) {}

    /** A context request; {@code budgetTokens} is required, the rest take the service's defaults when null. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ContextRequest(String query, int budgetTokens, Integer reserveTokens, String tokenizer,
                                 String strategy, Integer k, Map<String, Object> filter) {
        public static ContextRequest of(String query, int budgetTokens) {
            return new ContextRequest(query, budgetTokens, null, null, null, null, null);
        }

        /** {@code topk}, {@code crag} or {@code refrag}. */
        public ContextRequest withStrategy(String newStrategy) {
            return new ContextRequest(query, budgetTokens, reserveTokens, tokenizer, newStrategy, k, filter);
        }

        public ContextRequest withTokenizer(String newTokenizer) {
            return new ContextRequest(query, budgetTokens, reserveTokens, newTokenizer, strategy, k, filter);
        }

        public ContextRequest withK(int newK) {
            return new ContextRequest(query, budgetTokens, reserveTokens, tokenizer, strategy, newK, filter);
        }

        public ContextRequest withFilter(Map<String, Object> newFilter) {
            return new ContextRequest(query, budgetTokens, reserveTokens, tokenizer, strategy, k, newFilter);
        }
    }

    public record Segment(String docId, String chunkId, String text, int start, int end, int tokens, float score) {}

    public record Context(String context, List<Segment> segments, int tokensUsed, int tokensBaseline,
                          double compressionRatio, String strategy, String tokenizer, int candidates, long tookMs) {}

    /** A bulk job's state: {@code queued}, {@code running}, {@code done}, {@code done_with_errors}, {@code failed} or {@code interrupted}. */
    public record Job(String id, String state, long total, long done, long failed, Double ratePerS, Double etaS,
                      String message, List<JobError> errors) {
        public boolean ended() {
            return !state.equals("queued") && !state.equals("running");
        }
    }

    public record JobError(long line, String field, String message) {}

    /** {@code inputType} {@code query} gives models with a query instruction their prefix; null means document. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EmbeddingsRequest(List<String> input, String model, Integer dimensions, String inputType) {}

    public record ImageTokens(String model, List<Integer> tokens, int numTokens, int codebookSize, int imageSize,
                              String caption) {}

    public record AudioTokens(String model, int sampleRate, double frameRate, int numCodebooks, double bandwidthKbps,
                              int codebookSize, int frames, long durationMs, List<List<Integer>> codebooks) {}
}
