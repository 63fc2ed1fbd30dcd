package dev.tessera.tokenizers.image.titok;

import ai.djl.ndarray.NDArray;
import dev.tessera.tokenizers.nn.Conv2d;
import dev.tessera.tokenizers.nn.LayerNorm;
import dev.tessera.tokenizers.nn.Linear;
import dev.tessera.tokenizers.nn.NamedWeights;
import dev.tessera.tokenizers.nn.ResidualAttentionBlock;
import dev.tessera.tokenizers.nn.ScopedStep;
import dev.tessera.tokenizers.weights.MalformedWeightsException;
import java.util.ArrayList;
import java.util.List;

/**
 * ViT decoder: the N quantised tokens are embedded and appended to [class, g² mask tokens]; after
 * the blocks the g² mask slots become a W×g×g map, then one of two heads:
 * <ul>
 *   <li>two-stage: ffn (1×1 W→2W, tanh, 1×1 2W→1024) gives logits over the MaskGIT-VQGAN codes,
 *       softmax over them mixes the pixel-codebook rows (soft, not argmax) and the pixel decoder
 *       turns that into RGB;</li>
 *   <li>single-stage: ffn (1×1 W→P²·3) unpatchified to RGB, then a 3×3 conv_out.</li>
 * </ul>
 */
final class TiTokDecoder {

    private final TiTokConfig config;
    private final Linear decoderEmbed;
    private final NDArray latentPositions;   // [N, W]; null in the 2D-grid layout
    private final NDArray classEmbedding;    // [1, W]
    private final NDArray maskToken;         // [1, 1, W]; null in the 2D-grid layout
    private final Linear textProjection;     // text dim → W; null without text conditioning
    private final NDArray textPositions;     // [L, W]
    private final NDArray positions;         // [g²+1, W]
    private final LayerNorm lnPre;
    private final List<ResidualAttentionBlock> blocks = new ArrayList<>();
    private final LayerNorm lnPost;
    private final Conv2d ffnIn;
    private final Conv2d ffnLogits;          // two-stage only
    private final NDArray pixelCodebook;     // two-stage only, [1024, z]
    private final PixelDecoder pixelDecoder; // two-stage only
    private final Conv2d convOut;            // single-stage only

    TiTokDecoder(TiTokConfig config, NamedWeights weights) throws MalformedWeightsException {
        this.config = config;
        TiTokConfig.Transformer t = config.decoder();
        long w = t.width();
        long g = config.decoderGrid();
        long n = config.numLatentTokens();
        decoderEmbed = Linear.load(weights, "decoder.decoder_embed", config.tokenSize(), w);
        classEmbedding = weights.get("decoder.class_embedding", 1, w);
        if (config.grid2d()) {
            latentPositions = null;
            maskToken = null;
        } else {
            latentPositions = weights.get("decoder.latent_token_positional_embedding", n, w);
            maskToken = weights.get("decoder.mask_token", 1, 1, w);
        }
        TiTokConfig.TextBranch text = config.text();
        if (text != null) {
            textProjection = Linear.load(weights, "decoder.text_guidance_proj", text.embedDim(), w);
            textPositions = weights.get("decoder.text_guidance_positional_embedding", text.contextLength(), w);
        } else {
            textProjection = null;
            textPositions = null;
        }
        positions = weights.get("decoder.positional_embedding", g * g + 1, w);
        lnPre = LayerNorm.load(weights, "decoder.ln_pre", w, t.layerNormEps());
        for (int i = 0; i < t.layers(); i++) {
            blocks.add(ResidualAttentionBlock.load(weights, "decoder.transformer." + i, w, t.heads(), t.mlpWidth(),
                    t.layerNormEps()));
        }
        lnPost = LayerNorm.load(weights, "decoder.ln_post", w, t.layerNormEps());
        if (config.twoStage()) {
            TiTokConfig.PixelDecoder pd = config.pixelDecoder();
            ffnIn = Conv2d.load(weights, "decoder.ffn.0", w, 2 * w, 1, 1, 0, true);
            ffnLogits = Conv2d.load(weights, "decoder.ffn.2", 2 * w, pd.codebookSize(), 1, 1, 0, true);
            pixelCodebook = weights.get("pixel_quantize.embedding.weight", pd.codebookSize(), pd.zChannels());
            pixelDecoder = new PixelDecoder(pd, weights);
            convOut = null;
        } else {
            long p = config.decoderPatchSize();
            ffnIn = Conv2d.load(weights, "decoder.ffn.0", w, p * p * 3, 1, 1, 0, true);
            convOut = Conv2d.load(weights, "decoder.conv_out", 3, 3, 3, 1, 1, true);
            ffnLogits = null;
            pixelCodebook = null;
            pixelDecoder = null;
        }
    }

    /**
     * Quantised tokens [B, C, 1, N] → RGB [B, 3, S, S], not clamped. Records decoder_logits and
     * pixel_latents (two-stage) or decoder_ffn_out (single-stage), and decoded.
     *
     * @param text caption states [B, L, D] (padded rows zero) for a text-conditioned decoder, else null
     */
    NDArray forward(NDArray tokens, NDArray text, Probe probe) {
        long batch = tokens.getShape().get(0);
        long c = tokens.getShape().get(1);
        long n = tokens.getShape().get(3);
        long w = config.decoder().width();
        long g = config.decoderGrid();

        NDArray embedded = decoderEmbed.apply(tokens.reshape(batch, c, n).transpose(0, 2, 1));   // [B, N, W]
        NDArray x;
        if (config.grid2d()) {
            // 2D grid: each token sits at its patch; [class, tokens] + positions, read out in place.
            x = classEmbedding.expandDims(0).broadcast(batch, 1, w).concat(embedded, 1).add(positions);
        } else {
            // [class, mask × g²] + positions: image independent, but built per call so training sees updates.
            NDArray maskSequence = classEmbedding.concat(maskToken.reshape(1, w).repeat(0, g * g), 0).add(positions);
            x = maskSequence.expandDims(0).broadcast(batch, g * g + 1, w).concat(embedded.add(latentPositions), 1);
        }
        if (textProjection != null) {
            if (text == null) {
                throw new IllegalArgumentException("this decoder is caption-conditioned: a caption is required");
            }
            x = x.concat(textProjection.apply(text).add(textPositions), 1);
        }
        x = lnPre.apply(x);
        for (ResidualAttentionBlock block : blocks) {
            NDArray in = x;
            x = ScopedStep.run(() -> block.apply(in));
        }
        NDArray map = lnPost.apply(x.get(":, 1:{}, :", 1 + g * g)).transpose(0, 2, 1).reshape(batch, w, g, g);

        NDArray decoded;
        if (config.twoStage()) {
            NDArray logits = ffnLogits.apply(ffnIn.apply(map).tanh());   // [B, 1024, g, g]
            probe.record("decoder_logits", logits);
            // einsum('nchw,cd->ndhw', softmax over c, pixel codebook)
            NDArray pixelLatents = logits.softmax(1).transpose(0, 2, 3, 1).matMul(pixelCodebook).transpose(0, 3, 1, 2);
            probe.record("pixel_latents", pixelLatents);
            decoded = pixelDecoder.forward(pixelLatents);
        } else {
            long p = config.decoderPatchSize();
            // 'b (p1 p2 c) h w -> b c (h p1) (w p2)'
            NDArray image = ffnIn.apply(map).reshape(batch, p, p, 3, g, g).transpose(0, 3, 4, 1, 5, 2)
                    .reshape(batch, 3, g * p, g * p);
            probe.record("decoder_ffn_out", image);
            decoded = convOut.apply(image);
        }
        probe.record("decoded", decoded);
        return decoded;
    }
}
