package dev.tessera.benchmarks;

import dev.tessera.benchmarks.cli.UsageException;
import dev.tessera.retrieval.embed.DjlEmbedder;
import dev.tessera.retrieval.embed.EmbeddingModelSpec;

/** Loads a built-in embedding model by the name the service would accept. */
public final class Models {

    public static final String DEFAULT = EmbeddingModelSpec.BGE_SMALL_EN_V15.name();

    private Models() {}

    public static DjlEmbedder load(String name) {
        EmbeddingModelSpec spec = EmbeddingModelSpec.builtIns().stream()
                .filter(s -> s.answersTo(name))
                .findFirst()
                .orElseThrow(() -> new UsageException("unknown model '" + name + "' (built in: "
                        + String.join(", ", EmbeddingModelSpec.builtIns().stream().map(EmbeddingModelSpec::name).toList())
                        + ")"));
        // Same settings as the service on CPU: one predictor, batches of 32.
        return DjlEmbedder.load(spec, "cpu", 1, 32);
    }
}
