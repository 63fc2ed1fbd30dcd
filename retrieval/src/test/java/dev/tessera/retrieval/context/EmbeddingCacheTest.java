package dev.tessera.retrieval.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.retrieval.embed.Embedder.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddingCacheTest {

    @Test
    void embedsEachDistinctTextOnceAndEvictsTheLeastRecentlyUsed() {
        HashedWordsEmbedder embedder = new HashedWordsEmbedder(16);
        EmbeddingCache cache = new EmbeddingCache(embedder, 2);

        List<float[]> first = cache.embed(List.of("a", "b", "a"), Role.DOCUMENT);
        assertThat(first.get(0)).isEqualTo(embedder.embed("a", Role.DOCUMENT));
        int calls = embedder.textsEmbedded.get();
        cache.embed(List.of("b", "a"), Role.DOCUMENT);
        assertThat(embedder.textsEmbedded.get()).isEqualTo(calls);

        cache.embed("c", Role.DOCUMENT); // evicts "b", the least recently used
        int beforeB = embedder.textsEmbedded.get();
        cache.embed("a", Role.DOCUMENT);
        assertThat(embedder.textsEmbedded.get()).isEqualTo(beforeB);
        cache.embed("b", Role.DOCUMENT);
        assertThat(embedder.textsEmbedded.get()).isEqualTo(beforeB + 1);

        cache.embed("a", Role.QUERY); // the role is part of the key
        assertThat(embedder.textsEmbedded.get()).isEqualTo(beforeB + 2);
    }
}
