package dev.tessera.benchmarks.eval;

import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.embed.ForwardingEmbedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers query embeddings, so the ten evaluation runs embed each query once instead of ten
 * times. The model is deterministic, so the rankings are the ones the service would produce.
 */
final class QueryVectorMemo extends ForwardingEmbedder {

    private final Map<String, float[]> queries = new ConcurrentHashMap<>();

    QueryVectorMemo(Embedder delegate) {
        super(delegate);
    }

    @Override
    public List<float[]> embed(List<String> texts, Role role) {
        if (role != Role.QUERY) {
            return delegate.embed(texts, role);
        }
        List<String> missing = texts.stream().filter(t -> !queries.containsKey(t)).distinct().toList();
        if (!missing.isEmpty()) {
            List<float[]> vectors = delegate.embed(missing, Role.QUERY);
            for (int i = 0; i < missing.size(); i++) {
                queries.put(missing.get(i), vectors.get(i));
            }
        }
        List<float[]> out = new ArrayList<>(texts.size());
        texts.forEach(t -> out.add(queries.get(t)));
        return out;
    }
}
