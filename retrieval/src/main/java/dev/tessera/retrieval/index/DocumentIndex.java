package dev.tessera.retrieval.index;

import java.util.List;
import java.util.Optional;

/**
 * Where chunks, their text and their vectors live. The embedded Lucene index is the default;
 * a distributed engine can stand behind the same contract. Writes are durable when they return.
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

    /** Fills {@link ChunkHit#highlights()} with the passages of each hit that match the query. */
    List<ChunkHit> highlight(String query, List<ChunkHit> hits);

    IndexStats stats();

    @Override
    void close();
}
