package dev.tessera.benchmarks;

import dev.tessera.benchmarks.cli.UsageException;
import dev.tessera.retrieval.embed.DjlEmbedder;
import dev.tessera.retrieval.embed.EmbeddingModelSpec;
import dev.tessera.retrieval.embed.OnnxSessionOptions;

/** Loads a built-in embedding model by the name the service would accept. */
public final class Models {

    public static final String DEFAULT = EmbeddingModelSpec.BGE_SMALL_EN_V15.name();

    /** Texts per forward pass, as the service's {@code tessera.embedding.max-batch-size} default. */
    public static final int BATCH = 32;

    private Models() {}

    /** The model as the service serves it on CPU: its ONNX Runtime settings, one predictor, passes of 32. */
    public static DjlEmbedder load(String name) {
        return load(name, OnnxSessionOptions.defaults());
    }

    /** @param session ONNX Runtime settings; {@code null} for the runtime's own defaults (releases before 0.2) */
    public static DjlEmbedder load(String name, OnnxSessionOptions session) {
        return DjlEmbedder.load(spec(name), "cpu", 1, BATCH, session);
    }

    public static EmbeddingModelSpec spec(String name) {
        return EmbeddingModelSpec.builtIns().stream()
                .filter(s -> s.answersTo(name))
                .findFirst()
                .orElseThrow(() -> new UsageException("unknown model '" + name + "' (built in: "
                        + String.join(", ", EmbeddingModelSpec.builtIns().stream().map(EmbeddingModelSpec::name).toList())
                        + ")"));
    }
}
