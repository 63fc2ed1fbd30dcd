package dev.tessera.retrieval.context;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.context.crag.CragAssembler;
import dev.tessera.retrieval.context.refrag.RefragAssembler;
import dev.tessera.retrieval.context.topk.TopKAssembler;
import dev.tessera.retrieval.embed.Embedder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The strategies by wire name, sharing one embedding cache. */
public final class ContextAssemblers {

    private final EmbeddingCache embeddings;
    private final Map<String, ContextAssembler> byName = new LinkedHashMap<>();

    public ContextAssemblers(Embedder embedder) {
        this(new EmbeddingCache(embedder, EmbeddingCache.DEFAULT_CAPACITY));
    }

    public ContextAssemblers(EmbeddingCache embeddings) {
        this.embeddings = embeddings;
        for (ContextAssembler a : List.of(
                new TopKAssembler(), new CragAssembler(embeddings), new RefragAssembler(embeddings))) {
            byName.put(a.strategy(), a);
        }
    }

    public List<String> strategies() {
        return List.copyOf(byName.keySet());
    }

    public EmbeddingCache embeddings() {
        return embeddings;
    }

    /** @throws InvalidRequestException for an unknown strategy */
    public ContextAssembler forStrategy(String name) {
        ContextAssembler a = name == null ? null : byName.get(name.trim().toLowerCase(java.util.Locale.ROOT));
        if (a == null) {
            throw new InvalidRequestException("strategy", "unknown strategy '" + name + "'; known: " + strategies());
        }
        return a;
    }
}
