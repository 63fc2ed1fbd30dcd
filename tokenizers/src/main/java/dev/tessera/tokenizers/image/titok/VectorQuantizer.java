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

    private final NDArray codebook;      // [K, C] as stored
    private final boolean l2;
    private final int codebookSize;

    VectorQuantizer(TiTokConfig config, NamedWeights weights) throws MalformedWeightsException {
        codebook = weights.get("quantize.embedding.weight", config.codebookSize(), config.tokenSize());
        l2 = config.useL2Norm();
        codebookSize = config.codebookSize();
    }

    /** F.normalize: x / max(‖x‖₂, 1e-12) along the last axis. */
    private static NDArray normalise(NDArray x) {
        return x.normalize(2, -1, 1e-12);
    }

    int codebookSize() {
        return codebookSize;
    }

    /**
     * The rows the lookup compares against, [K, C]: normalised when use_l2_norm. The reference
     * normalises on every call; so does this (cheap next to the transformer), so that a model
     * being trained always looks up its current codebook.
     */
    private NDArray rows() {
        return l2 ? normalise(codebook) : codebook;
    }

    /** Latents [B, C, 1, N] → [B·N, C], normalised when use_l2_norm. */
    private NDArray flatten(NDArray latents) {
        long batch = latents.getShape().get(0);
        long c = latents.getShape().get(1);
        long n = latents.getShape().get(3);
        NDArray z = latents.reshape(batch, c, n).transpose(0, 2, 1).reshape(batch * n, c);
        return l2 ? normalise(z) : z;
    }

    /** Argmin over rows of the squared distance, z [M, C] → ids [M]. */
    private static NDArray nearest(NDArray z, NDArray rows) {
        // |z|² + |e|² − 2 z·e, in the reference's order of operations.
        NDArray distances = z.square().sum(new int[] {1}, true).add(rows.square().sum(new int[] {1}))
                .sub(z.matMul(rows.transpose()).mul(2));
        return distances.argMin(1);
    }

    /** Latents [B, C, 1, N] → ids [B, N] (int64). */
    NDArray indices(NDArray latents) {
        long batch = latents.getShape().get(0);
        long n = latents.getShape().get(3);
        return nearest(flatten(latents), rows()).reshape(batch, n);
    }

    /**
     * The training-time forward of the reference quantiser: ids from the detached latents, the
     * picked rows (differentiable w.r.t. the codebook) and the straight-through tokens
     * {@code z + (zq − z).detach()} the decoder consumes, whose gradient flows to the encoder.
     */
    TiTokGraph.Quantized quantize(NDArray latents) {
        long batch = latents.getShape().get(0);
        long c = latents.getShape().get(1);
        long n = latents.getShape().get(3);
        NDArray z = flatten(latents);
        NDArray rows = rows();
        NDArray ids = nearest(z.stopGradient(), rows.stopGradient());
        NDArray zq = rows.get(ids);
        NDArray straightThrough = z.add(zq.sub(z).stopGradient())
                .reshape(batch, n, c).transpose(0, 2, 1).reshape(batch, c, 1, n);
        return new TiTokGraph.Quantized(ids.reshape(batch, n), z, zq, straightThrough);
    }

    /** Ids [B, N] (int64) → the rows the decoder consumes, [B, C, 1, N]. */
    NDArray lookup(NDArray ids) {
        long batch = ids.getShape().get(0);
        long n = ids.getShape().get(1);
        NDArray picked = rows().get(ids.reshape(batch * n).toType(DataType.INT64, false));  // [B·N, C]
        long c = picked.getShape().get(1);
        return picked.reshape(batch, n, c).transpose(0, 2, 1).reshape(batch, c, 1, n);
    }
}
