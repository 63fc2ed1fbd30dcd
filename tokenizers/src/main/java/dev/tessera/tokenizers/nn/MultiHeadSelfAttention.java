package dev.tessera.tokenizers.nn;

import ai.djl.ndarray.NDArray;
import dev.tessera.tokenizers.weights.MalformedWeightsException;

/**
 * Unmasked multi-head self-attention with PyTorch {@code nn.MultiheadAttention}'s packed
 * parameters: {@code in_proj_weight} [3W, W] holds the q, k, v projections as consecutive row
 * blocks, heads are contiguous slices of W/heads channels, scores are scaled by 1/sqrt(W/heads).
 * Works on batch-first [B, L, W] (the reference permutes to [L, B, W]; the result is the same).
 */
public record MultiHeadSelfAttention(Linear inProjection, Linear outProjection, int heads) {

    public static MultiHeadSelfAttention load(NamedWeights weights, String prefix, long width, int heads)
            throws MalformedWeightsException {
        if (width % heads != 0) {
            throw new MalformedWeightsException(weights.file().path(), prefix + ": width " + width
                    + " is not divisible by " + heads + " heads");
        }
        Linear in = new Linear(weights.get(prefix + ".in_proj_weight", 3 * width, width),
                weights.get(prefix + ".in_proj_bias", 3 * width));
        Linear out = Linear.load(weights, prefix + ".out_proj", width, width);
        return new MultiHeadSelfAttention(in, out, heads);
    }

    public NDArray apply(NDArray x) {
        long batch = x.getShape().get(0);
        long length = x.getShape().get(1);
        long width = x.getShape().get(2);
        long headDim = width / heads;
        // [B, L, 3W] -> [3, B, heads, L, headDim]
        NDArray qkv = inProjection.apply(x).reshape(batch, length, 3, heads, headDim).transpose(2, 0, 3, 1, 4);
        NDArray q = qkv.get(0).mul(1.0 / Math.sqrt(headDim));
        NDArray k = qkv.get(1);
        NDArray v = qkv.get(2);
        NDArray weights = q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1);
        NDArray mixed = weights.matMul(v).transpose(0, 2, 1, 3).reshape(batch, length, width);
        return outProjection.apply(mixed);
    }
}
