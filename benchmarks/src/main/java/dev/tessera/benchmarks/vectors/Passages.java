package dev.tessera.benchmarks.vectors;

import dev.tessera.benchmarks.Models;
import dev.tessera.benchmarks.data.BeirReader;
import dev.tessera.retrieval.embed.Embedder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The real passages and questions of the vector benchmarks, embedded once and cached: passages from
 * {@link TextPool} over the datasets' documents, questions drawn with a fixed seed from their
 * queries. {@code bench vectors} and {@code bench filters} share them (and the cache).
 */
record Passages(List<String> texts, float[][] vectors, float[][] queries) {

    static Passages load(List<Path> datasets, int size, int queryCount, String modelName, Path cacheDir) {
        List<String> corpus = new ArrayList<>();
        LinkedHashSet<String> queryPool = new LinkedHashSet<>();
        for (Path dir : datasets) {
            BeirReader.read(dir).documents().forEach(d -> corpus.add(d.text()));
            queryPool.addAll(BeirReader.queryTexts(dir).stream().filter(q -> !q.isBlank()).toList());
        }
        List<String> texts = TextPool.build(corpus, size);
        List<String> queries = new ArrayList<>(queryPool);
        Collections.shuffle(queries, new Random(7));
        queries = List.copyOf(queries.subList(0, Math.min(queryCount, queries.size())));
        System.err.printf("%,d passages from %,d documents, %,d queries%n", texts.size(), corpus.size(), queries.size());
        Embedder[] loaded = new Embedder[1];
        Supplier<Embedder> model = () -> {
            if (loaded[0] == null) {
                loaded[0] = Models.load(modelName);
            }
            return loaded[0];
        };
        EmbeddingCache cache = new EmbeddingCache(cacheDir);
        try {
            return new Passages(texts, cache.embed(model, modelName, texts, Embedder.Role.DOCUMENT, "passages"),
                    cache.embed(model, modelName, queries, Embedder.Role.QUERY, "queries"));
        } finally {
            if (loaded[0] != null) {
                loaded[0].close(); // free the model's memory before timing the engines
            }
        }
    }
}
