package dev.tessera.retrieval.collection;

import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import dev.tessera.retrieval.search.HybridSearcher;

/**
 * One open collection: its index, and the write and search paths over it.
 *
 * @param embedder null in a client-vectors collection
 */
public record Collection(CollectionSettings settings, DocumentIndex index, Embedder embedder,
                         DocumentIngestor ingestor, HybridSearcher searcher) {

    public String name() {
        return settings.name();
    }
}
