package dev.tessera.retrieval.index;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.document.MetadataMapping;
import dev.tessera.retrieval.filter.Filter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where one collection's chunks, their text, metadata and vectors live. The embedded Lucene index
 * is the default; OpenSearch stands behind the same contract ({@code index.opensearch}). Writes are
 * durable and visible to searches when they return; a write that stores only some of its documents
 * throws {@link IndexWriteException} naming the others. Every filter is checked against the
 * index's {@link #metadataMapping()} (a mismatch is an {@code InvalidRequestException} naming the
 * operand) and applied inside the search, not after it.
 */
public interface DocumentIndex extends AutoCloseable {

    /**
     * Adds or replaces documents (by id), atomically per document, durably on return. Metadata is
     * admitted into the mapping first; a value of another type than its key's fails the call
     * (an {@code InvalidRequestException} naming {@code metadata.<key>}) before anything is written.
     */
    void upsert(List<IndexedDocument> documents);

    /** @return whether a document with that id existed; durable on return */
    boolean delete(String documentId);

    /**
     * Deletes the documents the filter selects, durably on return. {@link Filter#ALL} deletes every
     * document and also clears the metadata mapping, as dropping an index does.
     *
     * @return how many documents were deleted
     */
    long delete(Filter filter);

    Optional<StoredDocument> get(String documentId);

    /** How many documents the filter selects. */
    long count(Filter filter);

    /**
     * Documents in id order (by UTF-8 bytes), after {@code cursor} (null for the first page). A
     * cursor is the last id of a page, so it stays valid while others write.
     */
    DocumentPage list(Filter filter, int limit, String cursor);

    /** BM25 over title and text. */
    List<ChunkHit> searchText(String query, int k, Filter filter);

    /** Nearest neighbours of a query vector under the index's {@link VectorSimilarity}; higher scores are closer. */
    List<ChunkHit> searchVector(float[] vector, int k, Filter filter);

    /**
     * The two candidate lists of a hybrid search, before fusion.
     *
     * @param lexicalBound the highest BM25 score any chunk could reach for the query
     *                     ({@link #lexicalBound}), NaN where the index cannot tell
     */
    record HybridCandidates(List<ChunkHit> lexical, List<ChunkHit> dense, double lexicalBound) {
        public HybridCandidates(List<ChunkHit> lexical, List<ChunkHit> dense) {
            this(lexical, dense, Double.NaN);
        }
    }

    /**
     * BM25 and vector candidates for one hybrid query, with the query's BM25 bound. A remote index
     * answers all of it in one round trip; the default runs the searches in turn.
     */
    default HybridCandidates searchHybrid(String query, float[] vector, int depth, Filter filter) {
        return new HybridCandidates(searchText(query, depth, filter), searchVector(vector, depth, filter),
                lexicalBound(query));
    }

    /**
     * The highest BM25 score a chunk could reach for this query: the sum of its terms' IDFs (BM25's
     * term-frequency factor tends to 1 from below). It depends on the query and the collection,
     * never on which chunks were found, so a score divided by it reads the same in every result
     * list. NaN where the index cannot tell.
     */
    default double lexicalBound(String query) {
        return Double.NaN;
    }

    /** Fills {@link ChunkHit#highlights()} with the passages of each hit that match the query. */
    List<ChunkHit> highlight(String query, List<ChunkHit> hits);

    /** The stored vectors of chunks, by chunk id (as stored: unit length in a cosine index); absent ids are left out. */
    Map<String, float[]> vectors(List<String> chunkIds);

    /**
     * The span vectors stored with these chunks at ingest ({@link SpanVectors}), by chunk id; chunks
     * stored without them are left out. An index that stores none answers an empty map.
     */
    default Map<String, SpanVectors> spanVectors(List<String> chunkIds) {
        return Map.of();
    }

    /**
     * Merges the index into at most {@code maxSegments} segments and makes that durable. After a bulk
     * load a vector search then walks a few graphs instead of dozens (each segment has its own), which
     * is faster and, at the same exploration depth, finds more of the true neighbours. Blocks until
     * done (minutes at a million vectors); reads and writes go on meanwhile.
     *
     * @return the number of segments after the merge
     */
    int forceMerge(int maxSegments);

    /** @throws InvalidRequestException naming {@code max_segments} unless it is at least 1 */
    static int checkMaxSegments(int maxSegments) {
        if (maxSegments < 1) {
            throw new InvalidRequestException("max_segments", "max_segments must be at least 1, not " + maxSegments);
        }
        return maxSegments;
    }

    /** The type of each metadata key, fixed by its first use. */
    MetadataMapping metadataMapping();

    IndexStats stats();

    @Override
    void close();
}
