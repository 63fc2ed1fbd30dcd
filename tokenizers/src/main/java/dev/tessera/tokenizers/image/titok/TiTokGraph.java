package dev.tessera.tokenizers.image.titok;

import ai.djl.ndarray.NDArray;
import dev.tessera.tokenizers.nn.NamedWeights;
import dev.tessera.tokenizers.weights.MalformedWeightsException;

/**
 * The forward pass of a single-stage VQ TiTok as separate differentiable stages, for training:
 * the very encoder, quantiser and decoder code that {@link TiTokTokenizer} runs, built over the
 * tensors of a {@link NamedWeights} (whose arrays the trainer marks as requiring gradients and
 * updates in place).
 */
public final class TiTokGraph {

    /**
     * One quantiser pass.
     *
     * @param ids             [B, N] int64 codebook indices
     * @param z               encoder latents as [B·N, C] (l2-normalised when the model uses it)
     * @param zq              the picked codebook rows [B·N, C], differentiable w.r.t. the codebook
     * @param straightThrough z + (zq − z).detach() as [B, C, 1, N], what the decoder consumes
     */
    public record Quantized(NDArray ids, NDArray z, NDArray zq, NDArray straightThrough) {}

    private final TiTokEncoder encoder;
    private final VectorQuantizer quantizer;
    private final TiTokDecoder decoder;

    public TiTokGraph(TiTokConfig config, NamedWeights weights) throws MalformedWeightsException {
        if (config.twoStage() || config.quantizeMode() != TiTokConfig.QuantizeMode.VQ) {
            throw new IllegalArgumentException("training covers the single-stage VQ TiTok only");
        }
        encoder = new TiTokEncoder(config, weights);
        quantizer = new VectorQuantizer(config, weights);
        decoder = new TiTokDecoder(config, weights);
    }

    /**
     * Pixels [B, 3, S, S] in [0, 1] → latents [B, C, 1, N].
     *
     * @param text caption states [B, L, D] for a TexTok-mode encoder (an encoder without a text branch ignores them), or null
     */
    public NDArray encode(NDArray pixels, NDArray text) {
        return encoder.forward(pixels, text, Probe.NONE);
    }

    public Quantized quantize(NDArray latents) {
        return quantizer.quantize(latents);
    }

    /** Latents [B, C, 1, N] → ids [B, N], exactly as {@link TiTokTokenizer#tokenize}. */
    public NDArray indices(NDArray latents) {
        return quantizer.indices(latents);
    }

    /** Tokens [B, C, 1, N] → RGB [B, 3, S, S], not clamped; {@code text} as for {@link #encode}, for any text-conditioned decoder. */
    public NDArray decode(NDArray tokens, NDArray text) {
        return decoder.forward(tokens, text, Probe.NONE);
    }
}
