package dev.tessera.tokenizers.nn;

import ai.djl.ndarray.NDArray;
import dev.tessera.tokenizers.weights.MalformedWeightsException;

/**
 * Pre-norm transformer block in the open_clip layout used by TiTok:
 * x + attn(ln_1(x)), then + c_proj(gelu(c_fc(ln_2(x)))). Names: {@code ln_1}, {@code attn.*},
 * {@code ln_2}, {@code mlp.c_fc}, {@code mlp.c_proj}.
 */
public record ResidualAttentionBlock(LayerNorm norm1, MultiHeadSelfAttention attention, LayerNorm norm2,
                                     Linear fc, Linear projection) {

    public static ResidualAttentionBlock load(NamedWeights weights, String prefix, long width, int heads,
                                              long mlpWidth, float eps) throws MalformedWeightsException {
        return new ResidualAttentionBlock(
                LayerNorm.load(weights, prefix + ".ln_1", width, eps),
                MultiHeadSelfAttention.load(weights, prefix + ".attn", width, heads),
                LayerNorm.load(weights, prefix + ".ln_2", width, eps),
                Linear.load(weights, prefix + ".mlp.c_fc", width, mlpWidth),
                Linear.load(weights, prefix + ".mlp.c_proj", mlpWidth, width));
    }

    public NDArray apply(NDArray x) {
        NDArray afterAttention = x.add(attention.apply(norm1.apply(x)));
        return afterAttention.add(projection.apply(Activations.gelu(fc.apply(norm2.apply(afterAttention)))));
    }
}
