package dev.tessera.retrieval.context.refrag;

import dev.tessera.retrieval.context.AssembledContext;
import dev.tessera.retrieval.context.ContextSegment;
import dev.tessera.tokenizers.weights.DType;
import dev.tessera.tokenizers.weights.MalformedWeightsException;
import dev.tessera.tokenizers.weights.SafetensorsFile;
import dev.tessera.tokenizers.weights.TensorInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * REFRAG's projection layer: a matrix {@code W [d_enc, d_llm]} that maps a compressed chunk's
 * encoder embedding into the input-embedding space of a target LLM, so a runtime that accepts
 * prompt embeddings can feed the chunk in place of its tokens. {@code projected = embedding · W}.
 */
public final class ChunkProjection {

    private static final Set<DType> FLOATS = Set.of(DType.F32, DType.F16, DType.BF16);

    private final String name;
    private final int inputDimension;
    private final int outputDimension;
    private final float[] weights; // row-major [inputDimension][outputDimension]

    public ChunkProjection(String name, int inputDimension, int outputDimension, float[] weights) {
        if (inputDimension < 1 || outputDimension < 1 || weights.length != (long) inputDimension * outputDimension) {
            throw new IllegalArgumentException("projection " + name + ": " + weights.length
                    + " weights do not form a [" + inputDimension + ", " + outputDimension + "] matrix");
        }
        this.name = name;
        this.inputDimension = inputDimension;
        this.outputDimension = outputDimension;
        this.weights = weights;
    }

    /**
     * Reads a safetensors file holding exactly one 2-D float tensor {@code [d_enc, d_llm]} (F32, or
     * F16/BF16 widened to F32).
     *
     * @throws MalformedWeightsException naming the file when it holds anything else
     */
    public static ChunkProjection load(String name, Path file) throws IOException {
        try (SafetensorsFile weights = SafetensorsFile.open(file)) {
            if (weights.tensors().size() != 1) {
                throw new MalformedWeightsException(file, "a projection holds exactly one tensor [d_enc, d_llm], found "
                        + weights.tensors().keySet());
            }
            TensorInfo info = weights.tensors().values().iterator().next();
            if (info.shape().length != 2 || !FLOATS.contains(info.dtype())) {
                throw new MalformedWeightsException(file, "the projection must be a 2-D float tensor [d_enc, d_llm], was "
                        + info);
            }
            return new ChunkProjection(name, Math.toIntExact(info.shape()[0]), Math.toIntExact(info.shape()[1]),
                    weights.floats(info.name()));
        }
    }

    public String name() {
        return name;
    }

    /** d_enc: the embedding dimension this projection accepts. */
    public int inputDimension() {
        return inputDimension;
    }

    /** d_llm: the target model's input-embedding dimension. */
    public int outputDimension() {
        return outputDimension;
    }

    /** {@code embedding · W}. */
    public float[] project(float[] embedding) {
        if (embedding.length != inputDimension) {
            throw new IllegalArgumentException("projection " + name + " takes " + inputDimension
                    + "-d embeddings, got " + embedding.length);
        }
        float[] out = new float[outputDimension];
        for (int i = 0; i < inputDimension; i++) {
            float e = embedding[i];
            int row = i * outputDimension;
            for (int j = 0; j < outputDimension; j++) {
                out[j] += e * weights[row + j];
            }
        }
        return out;
    }

    /** The same context with every compressed segment that carries an embedding also carrying its projection. */
    public AssembledContext apply(AssembledContext context) {
        List<ContextSegment> segments = new ArrayList<>(context.segments().size());
        for (ContextSegment s : context.segments()) {
            boolean compressed = Boolean.FALSE.equals(s.expanded()) && s.embedding() != null;
            segments.add(compressed ? s.withProjected(project(s.embedding())) : s);
        }
        return context.withSegments(segments);
    }
}
