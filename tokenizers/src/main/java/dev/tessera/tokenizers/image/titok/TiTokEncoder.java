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
 * ViT encoder with appended latent tokens: [class, patches] + positions, then the N learned
 * latent tokens + their positions; ln_pre, blocks, ln_post on the N latent positions, 1×1 conv_out
 * to token space. Output [B, C', 1, N] as in the reference (C' = token size, doubled for VAE).
 * In TexTok mode the projected caption states (+ their positions) follow the latent tokens and the
 * read-out takes exactly the N latent positions; in the 2D-grid layout there are no latent tokens
 * and the read-out is the patch positions themselves.
 */
final class TiTokEncoder {

    private final TiTokConfig config;
    private final Conv2d patchEmbed;
    private final NDArray classEmbedding;       // [1, W]
    private final NDArray positionalEmbedding;  // [g²+1, W]
    private final NDArray latentTokens;         // [N, W]; null in the 2D-grid layout
    private final NDArray latentPositions;      // [N, W]; null in the 2D-grid layout
    private final Linear textProjection;        // text dim → W; null without an encoder text branch
    private final NDArray textPositions;        // [L, W]
    private final LayerNorm lnPre;
    private final List<ResidualAttentionBlock> blocks = new ArrayList<>();
    private final LayerNorm lnPost;
    private final Conv2d convOut;

    TiTokEncoder(TiTokConfig config, NamedWeights weights) throws MalformedWeightsException {
        this.config = config;
        TiTokConfig.Transformer t = config.encoder();
        long w = t.width();
        long g = config.encoderGrid();
        long n = config.numLatentTokens();
        int p = config.encoderPatchSize();
        patchEmbed = Conv2d.load(weights, "encoder.patch_embed", 3, w, p, p, 0, true);
        classEmbedding = weights.get("encoder.class_embedding", 1, w);
        positionalEmbedding = weights.get("encoder.positional_embedding", g * g + 1, w);
        if (config.grid2d()) {
            latentTokens = null;
            latentPositions = null;
        } else {
            // The latent tokens are a top-level parameter of TiTok, shared by all images.
            latentTokens = weights.get("latent_tokens", n, w);
            latentPositions = weights.get("encoder.latent_token_positional_embedding", n, w);
        }
        TiTokConfig.TextBranch text = config.text();
        if (text != null && text.encoder()) {
            textProjection = Linear.load(weights, "encoder.text_guidance_proj", text.embedDim(), w);
            textPositions = weights.get("encoder.text_guidance_positional_embedding", text.contextLength(), w);
        } else {
            textProjection = null;
            textPositions = null;
        }
        lnPre = LayerNorm.load(weights, "encoder.ln_pre", w, t.layerNormEps());
        for (int i = 0; i < t.layers(); i++) {
            blocks.add(ResidualAttentionBlock.load(weights, "encoder.transformer." + i, w, t.heads(), t.mlpWidth(),
                    t.layerNormEps()));
        }
        lnPost = LayerNorm.load(weights, "encoder.ln_post", w, t.layerNormEps());
        convOut = Conv2d.load(weights, "encoder.conv_out", w, config.encoderOutChannels(), 1, 1, 0, true);
    }

    /**
     * The encoder's output states at the patch positions, [B, g², W] (after the blocks and
     * ln_post): per-patch features for other consumers (VQToken's video backbone). Same forward
     * pass as {@link #forward}; a TexTok-mode encoder needs the caption states.
     */
    NDArray patchStates(NDArray pixels, NDArray text) {
        long patches = (long) config.encoderGrid() * config.encoderGrid();
        return lnPost.apply(blocksOutput(pixels, text).get(":, 1:{}, :", 1 + patches));
    }

    /**
     * Pixels [B, 3, S, S] in [0, 1] → latents [B, C', 1, N]. Records enc_ln_post and latents.
     *
     * @param text caption states [B, L, D] (padded rows zero) for a TexTok-mode encoder; ignored by one without a text branch
     */
    NDArray forward(NDArray pixels, NDArray text, Probe probe) {
        long batch = pixels.getShape().get(0);
        long w = config.encoder().width();
        long patches = (long) config.encoderGrid() * config.encoderGrid();
        long n = config.numLatentTokens();
        NDArray x = blocksOutput(pixels, text);
        // Exactly the N token positions: after the patches for latent tokens, the patches themselves on a grid.
        long first = config.grid2d() ? 1 : 1 + patches;
        NDArray latent = lnPost.apply(x.get(":, {}:{}, :", first, first + n));  // [B, N, W]
        probe.record("enc_ln_post", latent);

        NDArray asImage = config.legacy()
                // Legacy quirk of the released L-32/B-64/S-128: [B, N, W] re-read as [B, W, N, 1]
                // without a transpose, so each conv "channel" is a scrambled slice of memory.
                ? latent.reshape(batch, w, n, 1)
                : latent.transpose(0, 2, 1).reshape(batch, w, n, 1);
        NDArray latents = convOut.apply(asImage).reshape(batch, config.encoderOutChannels(), 1, n);
        probe.record("latents", latents);
        return latents;
    }

    /** The sequence after the transformer blocks: [class, patches, latent tokens, caption states]. */
    private NDArray blocksOutput(NDArray pixels, NDArray text) {
        long batch = pixels.getShape().get(0);
        long w = config.encoder().width();
        long patches = (long) config.encoderGrid() * config.encoderGrid();
        long n = config.numLatentTokens();

        NDArray x = patchEmbed.apply(pixels).reshape(batch, w, patches).transpose(0, 2, 1);  // row-major (y, x)
        NDArray cls = classEmbedding.expandDims(0).broadcast(batch, 1, w);
        x = cls.concat(x, 1).add(positionalEmbedding);
        if (latentTokens != null) {
            // Summed per call (not once at load) so that training sees the weights as they change.
            NDArray latentInput = latentTokens.add(latentPositions);
            x = x.concat(latentInput.expandDims(0).broadcast(batch, n, w), 1);
        }
        if (textProjection != null) {
            if (text == null) {
                throw new IllegalArgumentException("this encoder is caption-conditioned (TexTok mode): a caption is required");
            }
            x = x.concat(textProjection.apply(text).add(textPositions), 1);
        }
        x = lnPre.apply(x);
        for (ResidualAttentionBlock block : blocks) {
            NDArray in = x;
            x = ScopedStep.run(() -> block.apply(in));
        }
        return x;
    }
}
