package dev.tessera.retrieval.context;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.context.crag.CragAssembler;
import dev.tessera.retrieval.context.refrag.RefragAssembler;
import dev.tessera.retrieval.context.topk.TopKAssembler;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.DocumentIndex;
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

    /**
     * Hands the shared cache the span vectors stored with these candidates at ingest, so that
     * assembling from them embeds nothing that was precomputed. Only when {@code model} (what the
     * candidates' collection embeds with) is the cache's own model: another model's vectors live in
     * another space.
     */
    public void offerStored(DocumentIndex index, String model, List<ChunkHit> candidates) {
        if (model == null || candidates.isEmpty() || !model.equals(embeddings.embedder().name())) {
            return;
        }
        embeddings.offer(candidates, index.spanVectors(candidates.stream().map(ChunkHit::chunkId).toList()));
    }

    /**
     * The question's vector from the shared cache when {@code model} is the cache's own model, else
     * null. A context request searches with it, so crag and refrag find the question already embedded
     * instead of running the model on it a second time.
     */
    public float[] queryVector(String model, String query) {
        if (model == null || query == null || query.isBlank() || !model.equals(embeddings.embedder().name())) {
            return null;
        }
        return embeddings.embed(query, Embedder.Role.QUERY);
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
