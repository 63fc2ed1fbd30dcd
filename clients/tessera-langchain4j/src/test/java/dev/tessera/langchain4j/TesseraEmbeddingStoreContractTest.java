package dev.tessera.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreIT;

/** LangChain4j's EmbeddingStoreIT, unmodified, against a real Tessera process. */
class TesseraEmbeddingStoreContractTest extends EmbeddingStoreIT {

    private final TesseraEmbeddingStore store = SharedService.store("lc4j-store");

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
}
