package dev.tessera.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithFilteringIT;

/** LangChain4j's EmbeddingStoreWithFilteringIT, unmodified, against a real Tessera process. */
class TesseraFilteringContractTest extends EmbeddingStoreWithFilteringIT {

    private final TesseraEmbeddingStore store = SharedService.store("lc4j-filtering");

    @Override
    protected EmbeddingStore<TextSegment> embeddingStore() {
        return store;
    }

    @Override
    protected EmbeddingModel embeddingModel() {
        return SharedService.minilm();
    }

    @Override
    protected void clearStore() {
        store.removeAll();
    }

    /** Tessera's filter language has {@code contains} for strings, which ContainsString maps to. */
    @Override
    protected boolean supportsContains() {
        return true;
    }
}
