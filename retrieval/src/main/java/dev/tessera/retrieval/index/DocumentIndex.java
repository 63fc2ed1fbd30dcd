package dev.tessera.retrieval.index;

import java.util.List;
import java.util.Optional;

/**
 * Where chunks, their text and their vectors live. The embedded Lucene index is the default;
 * OpenSearch stands behind the same contract ({@code index.opensearch}). Writes are durable and
 * visible to searches when they return; a write that stores only some of its documents throws
 * {@link IndexWriteException} naming the others.
 */
public interface DocumentIndex extends AutoCloseable {

    /** Adds or replaces documents (by id), atomically per document, durably on return. */
    void upsert(List<IndexedDocument> documents);

    /** @return whether a document with that id existed; durable on return */
    boolean delete(String documentId);

    Optional<StoredDocument> get(String documentId);

    /** BM25 over title and text. */
    List<ChunkHit> searchText(String query, int k, MetadataFilter filter);

    /** Nearest neighbours of a query vector by dot product (vectors are unit length). */
    List<ChunkHit> searchVector(float[] vector, int k, MetadataFilter filter);

    /** The two candidate lists of a hybrid search, before fusion. */
    record HybridCandidates(List<ChunkHit> lexical, List<ChunkHit> dense) {}

    /**
     * BM25 and vector candidates for one hybrid query. A remote index answers both in one round trip;
     * the default runs the two searches in turn.
     */
    default HybridCandidates searchHybrid(String query, float[] vector, int depth, MetadataFilter filter) {
        return new HybridCandidates(searchText(query, depth, filter), searchVector(vector, depth, filter));
    }

    /** Fills {@link ChunkHit#highlights()} with the passages of each hit that match the query. */
    List<ChunkHit> highlight(String query, List<ChunkHit> hits);

    IndexStats stats();

    @Override
    void close();
}
