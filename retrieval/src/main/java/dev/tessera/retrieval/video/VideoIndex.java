package dev.tessera.retrieval.video;

import dev.tessera.retrieval.filter.Filter;
import java.util.List;
import java.util.Optional;

/** Stored video clips (their VQToken codebooks and position maps), found by example. */
public interface VideoIndex extends AutoCloseable {

    /** Stores (or replaces, by id) a clip; durable when it returns. */
    void put(IndexedClip clip);

    /** @return false when no clip has this id */
    boolean delete(String id);

    Optional<IndexedClip> get(String id);

    /**
     * The k clips of the example's backbone that best match it, best first.
     *
     * @param excludeId a clip id to leave out (the example itself, when it is a stored clip), or null
     */
    List<ClipHit> search(ClipQuery query, int k, Filter filter, String excludeId);

    /** Number of stored clips. */
    long count();

    @Override
    void close();
}
