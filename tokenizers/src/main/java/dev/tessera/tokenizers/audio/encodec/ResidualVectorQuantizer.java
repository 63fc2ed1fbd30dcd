package dev.tessera.tokenizers.audio.encodec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * EnCodec's residual vector quantiser (official {@code ResidualVectorQuantization} with
 * {@code EuclideanCodebook}s). Encode: per level the nearest {@code embed} row by
 * {@code max(−(‖r‖² − 2 r·e + ‖e‖²))}, then r ← r − e; decode: the selected rows summed in level order.
 */
final class ResidualVectorQuantizer {

    private final List<NDArray> embeds;        // [N, D] per level
    private final List<NDArray> embedsT;       // [D, N]
    private final List<NDArray> squaredNorms;  // [1, N]
    private final int codebookSize;
    private final int dim;

    ResidualVectorQuantizer(EncodecWeights weights, NDManager manager, int levels, int codebookSize, int dim) {
        this.embeds = new ArrayList<>(levels);
        this.embedsT = new ArrayList<>(levels);
        this.squaredNorms = new ArrayList<>(levels);
        for (int k = 0; k < levels; k++) {
            NDArray embed = weights.array(weights.codebook(k) + ".embed", codebookSize, dim);
            embeds.add(embed);
            NDArray t = embed.transpose().duplicate();
            embedsT.add(t);
            squaredNorms.add(t.square().sum(new int[] {0}, true));
        }
        this.codebookSize = codebookSize;
        this.dim = dim;
    }

    int levels() {
        return embeds.size();
    }

    int codebookSize() {
        return codebookSize;
    }

    /** x [1, D, T] → codes [K, T] as int64. */
    NDArray encode(NDArray x, int levels) {
        long frames = x.getShape().get(2);
        NDArray residual = x.get(0).transpose();   // [T, D]
        List<NDArray> ids = new ArrayList<>(levels);
        for (int k = 0; k < levels; k++) {
            NDArray index = nearest(residual, k);
            ids.add(index.reshape(1, frames));
            residual = residual.sub(embeds.get(k).get(index));
        }
        return ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(ids), 0);
    }

    /**
     * The nearest row of codebook {@code level} for each row of {@code residual} [N, D], as int64 [N]:
     * {@code argmax −(‖r‖² − 2 r·e + ‖e‖²)}, the official {@code EuclideanCodebook.quantize}.
     */
    NDArray nearest(NDArray residual, int level) {
        NDArray distance = residual.square().sum(new int[] {1}, true)
                .sub(residual.mul(2).matMul(embedsT.get(level)))
                .add(squaredNorms.get(level)).neg();
        return distance.argMax(1);
    }

    /** Codebook {@code level}, [N, D]. */
    NDArray embed(int level) {
        return embeds.get(level);
    }

    /** codes [K, T] (int64) → Σ_k embed_k[codes_k], [1, D, T]. */
    NDArray decode(NDArray codes) {
        int levels = Math.toIntExact(codes.getShape().get(0));
        NDArray sum = null;
        for (int k = 0; k < levels; k++) {
            NDArray rows = embeds.get(k).get(codes.get(k).toType(DataType.INT64, false));   // [T, D]
            sum = sum == null ? rows : sum.add(rows);
        }
        return sum.transpose().expandDims(0);
    }

    int dim() {
        return dim;
    }
}
