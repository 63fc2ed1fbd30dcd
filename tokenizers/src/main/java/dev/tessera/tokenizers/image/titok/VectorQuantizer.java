package dev.tessera.tokenizers.image.titok;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.tessera.tokenizers.nn.NamedWeights;
import dev.tessera.tokenizers.weights.MalformedWeightsException;

/**
 * Nearest-codebook-row quantiser. With l2 normalisation (the released two-stage models) both the
 * latent and every row are put on the unit sphere before the squared-distance argmin, and the
 * decoder receives the normalised row; without it, plain Euclidean lookup on raw rows.
 */
final class VectorQuantizer {

    private final NDArray rows;          // [K, C], normalised when use_l2_norm
    private final NDArray rowsT;         // [C, K]
    private final NDArray rowNormsSq;    // [K]
    private final boolean l2;
    private final int codebookSize;

    VectorQuantizer(TiTokConfig config, NamedWeights weights) throws MalformedWeightsException {
        NDArray codebook = weights.get("quantize.embedding.weight", config.codebookSize(), config.tokenSize());
        l2 = config.useL2Norm();
        // The reference normalises the codebook on every call; doing it once gives the same values.
        rows = l2 ? normalise(codebook) : codebook;
        rowsT = rows.transpose();
        rowNormsSq = rows.square().sum(new int[] {1});
        codebookSize = config.codebookSize();
    }

    /** F.normalize: x / max(‖x‖₂, 1e-12) along the last axis. */
    private static NDArray normalise(NDArray x) {
        return x.normalize(2, -1, 1e-12);
    }

    int codebookSize() {
        return codebookSize;
    }

    /** Latents [B, C, 1, N] → ids [B, N] (int64). */
    NDArray indices(NDArray latents) {
        long batch = latents.getShape().get(0);
        long c = latents.getShape().get(1);
        long n = latents.getShape().get(3);
        NDArray z = latents.reshape(batch, c, n).transpose(0, 2, 1).reshape(batch * n, c);
        if (l2) {
            z = normalise(z);
        }
        // |z|² + |e|² − 2 z·e, in the reference's order of operations.
        NDArray distances = z.square().sum(new int[] {1}, true).add(rowNormsSq).sub(z.matMul(rowsT).mul(2));
        return distances.argMin(1).reshape(batch, n);
    }

    /** Ids [B, N] (int64) → the rows the decoder consumes, [B, C, 1, N]. */
    NDArray lookup(NDArray ids) {
        long batch = ids.getShape().get(0);
        long n = ids.getShape().get(1);
        NDArray picked = rows.get(ids.reshape(batch * n).toType(DataType.INT64, false));  // [B·N, C]
        long c = picked.getShape().get(1);
        return picked.reshape(batch, n, c).transpose(0, 2, 1).reshape(batch, c, 1, n);
    }
}
