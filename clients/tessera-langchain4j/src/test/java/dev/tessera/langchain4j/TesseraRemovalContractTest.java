package dev.tessera.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithRemovalIT;
import org.junit.jupiter.api.BeforeEach;

/** LangChain4j's EmbeddingStoreWithRemovalIT, unmodified, against a real Tessera process. */
class TesseraRemovalContractTest extends EmbeddingStoreWithRemovalIT {

    private final TesseraEmbeddingStore store = SharedService.store("lc4j-removal");

    @BeforeEach
    void empty() {
        store.removeAll();
    }

    @Override
    protected EmbeddingStore<TextSegment> embeddingStore() {
        return store;
    }

    @Override
    protected EmbeddingModel embeddingModel() {
        return SharedService.minilm();
    }
}
