package dev.tessera.tokenizers.image.titok;

import dev.tessera.tokenizers.weights.ModelConfigException;
import dev.tessera.tokenizers.weights.WeightsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hyper-parameters of one TiTok checkpoint, reconciled with the tensor shapes of its weights.
 *
 * <p>{@link #read} accepts the hub's OmegaConf schema ({@code model.vq_model.*},
 * {@code dataset.preprocessing.crop_size}, sizes by name small|base|large) and the explicit form
 * of the conformance fixtures (widths, layers and heads spelled out). What the weights can tell
 * (widths, layer counts, patch size, grid, codebook, the whole pixel decoder) is read from them
 * and must agree with whatever the file declares; heads and the legacy flag come only from the file.
 *
 * @param imageSize        square input side in pixels
 * @param encoderPatchSize encoder patch (= stride of {@code patch_embed})
 * @param decoderPatchSize decoder patch: image side / decoder grid
 * @param numLatentTokens  N, tokens per image
 * @param quantizeMode     VQ (discrete ids) or VAE (continuous mean, 2·tokenSize encoder channels)
 * @param codebookSize     VQ codebook rows; 0 in VAE mode
 * @param tokenSize        channels per latent token (C)
 * @param useL2Norm        VQ lookup on the unit sphere and l2-normalised codebook rows
 * @param legacy           {@code is_legacy}: the encoder reshapes instead of transposing before
 *                         {@code conv_out}, and the decoder predicts proxy-code logits (two-stage)
 * @param pixelDecoder     MaskGIT-VQGAN stage of a two-stage model; null for single-stage models
 * @param text             caption conditioning (TA-TiTok decoder, TexTok mode encoder too); null without
 * @param layout           1D latent tokens (TiTok) or one token per encoder patch (the 2D-grid baseline)
 */
public record TiTokConfig(
        int imageSize,
        int encoderPatchSize,
        int decoderPatchSize,
        int numLatentTokens,
        Transformer encoder,
        Transformer decoder,
        QuantizeMode quantizeMode,
        int codebookSize,
        int tokenSize,
        boolean useL2Norm,
        boolean legacy,
        PixelDecoder pixelDecoder,
        TextBranch text,
        TokenLayout layout) {

    public enum QuantizeMode { VQ, VAE }

    /**
     * Where tokens come from: {@code LATENT_1D} = N learned latent tokens read out after the patches
     * (TiTok); {@code GRID_2D} = one token per encoder patch, decoded in place (a ViT-VQGAN-style
     * 2D-grid tokenizer built from the same blocks, the baseline TiTok is measured against).
     */
    public enum TokenLayout { LATENT_1D, GRID_2D }

    /**
     * Caption conditioning. Per-token states of a frozen text encoder ([contextLength, embedDim],
     * rows past the caption zeroed) go through {@code decoder.text_guidance_proj} plus
     * {@code decoder.text_guidance_positional_embedding} and are appended after the latent tokens
     * (TA-TiTok's names and place); with {@code encoder} true the encoder has the same pair and
     * appends them after its latent tokens too (TexTok mode).
     *
     * @param textEncoder name of the text model the weights were trained with (e.g.
     *                    bge-small-en-v1.5); null when the config does not say (TA-TiTok: CLIP ViT-L/14-336)
     */
    public record TextBranch(int contextLength, int embedDim, boolean encoder, String textEncoder) {}

    /** A model without text conditioning, latent (1D) tokens. */
    public TiTokConfig(int imageSize, int encoderPatchSize, int decoderPatchSize, int numLatentTokens,
                       Transformer encoder, Transformer decoder, QuantizeMode quantizeMode, int codebookSize,
                       int tokenSize, boolean useL2Norm, boolean legacy, PixelDecoder pixelDecoder) {
        this(imageSize, encoderPatchSize, decoderPatchSize, numLatentTokens, encoder, decoder, quantizeMode,
                codebookSize, tokenSize, useL2Norm, legacy, pixelDecoder, null, TokenLayout.LATENT_1D);
    }

    /** A ViT stack: width, depth, heads, MLP hidden width and LayerNorm epsilon. */
    public record Transformer(int width, int layers, int heads, int mlpWidth, float layerNormEps) {}

    /**
     * The MaskGIT-VQGAN pixel decoder of the two-stage models.
     *
     * @param codebookSize       rows of {@code pixel_quantize.embedding.weight} (1024 in every release)
     * @param zChannels          width of those rows = pixel-decoder input channels
     * @param levelChannels      output width of {@code up.i} for i = 0..levels-1 (run from the last down)
     * @param resBlocksPerLevel  res blocks in each {@code up.i.block}
     * @param midBlocks          res blocks in {@code mid}
     * @param groups             GroupNorm groups (32)
     * @param eps                GroupNorm epsilon (1e-6)
     */
    public record PixelDecoder(int codebookSize, int zChannels, List<Integer> levelChannels, int resBlocksPerLevel,
                               int midBlocks, int groups, float eps) {
        public PixelDecoder {
            levelChannels = List.copyOf(levelChannels);
        }

        public int levels() {
            return levelChannels.size();
        }

        /** Channels of conv_in and mid: those of the highest level. */
        public int topChannels() {
            return levelChannels.getLast();
        }
    }

    /** The official size table (modeling/modules/blocks.py); MLP ratio 4, LayerNorm eps 1e-5. */
    public static final Map<String, Transformer> MODEL_SIZES = Map.of(
            "small", new Transformer(512, 8, 8, 2048, 1e-5f),
            "base", new Transformer(768, 12, 12, 3072, 1e-5f),
            "large", new Transformer(1024, 24, 16, 4096, 1e-5f));

    public TiTokConfig {
        if (imageSize % encoderPatchSize != 0 || imageSize % decoderPatchSize != 0) {
            throw new IllegalArgumentException("image size " + imageSize + " is not a multiple of the patch sizes "
                    + encoderPatchSize + " / " + decoderPatchSize);
        }
        if ((quantizeMode == QuantizeMode.VQ) != (codebookSize > 0)) {
            throw new IllegalArgumentException("a VQ model needs a codebook, a VAE model has none");
        }
        if (legacy != (pixelDecoder != null)) {
            throw new IllegalArgumentException("legacy (two-stage) models, and only they, have a pixel decoder");
        }
        if (layout == null) {
            layout = TokenLayout.LATENT_1D;
        }
        if (layout == TokenLayout.GRID_2D) {
            int grid = imageSize / encoderPatchSize;
            if (legacy || text != null || encoderPatchSize != decoderPatchSize || numLatentTokens != grid * grid) {
                throw new IllegalArgumentException("a 2D-grid model is single-stage, without text, with one patch size "
                        + "and exactly grid² = " + grid * grid + " tokens");
            }
        }
        if (text != null && (text.contextLength() <= 0 || text.embedDim() <= 0)) {
            throw new IllegalArgumentException("text context length and width must be positive");
        }
    }

    public boolean grid2d() {
        return layout == TokenLayout.GRID_2D;
    }

    /** The model reads captions: its decoder at least, in TexTok mode its encoder too. */
    public boolean textConditioned() {
        return text != null;
    }

    public boolean twoStage() {
        return pixelDecoder != null;
    }

    public int encoderGrid() {
        return imageSize / encoderPatchSize;
    }

    public int decoderGrid() {
        return imageSize / decoderPatchSize;
    }

    /** Channels of the encoder's conv_out: the token size, doubled (mean and log-variance) in VAE mode. */
    public int encoderOutChannels() {
        return quantizeMode == QuantizeMode.VAE ? 2 * tokenSize : tokenSize;
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Reads {@code configJson} in either schema and checks it against the tensor shapes of {@code weights}. */
    public static TiTokConfig read(Path configJson, WeightsFile weights) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(configJson));
        } catch (JacksonException e) {
            throw new ModelConfigException(configJson, "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ModelConfigException(configJson, "not a JSON object");
        }
        Fields fields = new Fields(configJson);
        Declared declared = root.has("model") ? fields.hubSchema(root) : fields.explicitSchema(root);
        return new Reconciler(configJson, weights, declared).reconcile();
    }

    /** What the config file says; null where it says nothing. */
    private record Declared(Integer imageSize, Integer encoderPatch, Integer decoderPatch, Integer numLatentTokens,
                            Transformer encoder, String encoderName, Transformer decoder, String decoderName,
                            QuantizeMode mode, Integer codebookSize, Integer tokenSize, boolean useL2Norm,
                            boolean legacy, boolean finetuneDecoder,
                            Integer pixelCodebookSize, Integer zChannels, List<Integer> levelChannels,
                            Integer resBlocks, int groups, float groupNormEps,
                            Integer textLength, Integer textDim, String textEncoder, boolean grid) {}

    /** Typed access to JSON fields with messages that name the file and the key. */
    private record Fields(Path file) {

        Declared hubSchema(JsonNode root) throws ModelConfigException {
            JsonNode vq = root.path("model").path("vq_model");
            if (!vq.isObject()) {
                throw new ModelConfigException(file, "model.vq_model is missing");
            }
            String p = "model.vq_model.";
            QuantizeMode mode = mode(optString(vq, p, "quantize_mode", "vq"));
            String encName = string(vq, p, "vit_enc_model_size");
            String decName = string(vq, p, "vit_dec_model_size");
            boolean finetune = optBoolean(vq, p, "finetune_decoder", true);
            boolean legacy = optBoolean(vq, p, "is_legacy", true);
            return new Declared(
                    integer(root.path("dataset").path("preprocessing"), "dataset.preprocessing.", "crop_size"),
                    integer(vq, p, "vit_enc_patch_size"),
                    integer(vq, p, "vit_dec_patch_size"),
                    integer(vq, p, "num_latent_tokens"),
                    size(encName, p + "vit_enc_model_size"), encName,
                    size(decName, p + "vit_dec_model_size"), decName,
                    mode,
                    mode == QuantizeMode.VQ ? integer(vq, p, "codebook_size") : null,
                    integer(vq, p, "token_size"),
                    // The reference reads use_l2_norm as a plain attribute: absent means off.
                    mode == QuantizeMode.VQ && optBoolean(vq, p, "use_l2_norm", false),
                    legacy, finetune,
                    // The reference hard-codes the MaskGIT-VQGAN decoder; its shape comes from the weights.
                    null, null, null, null, 32, 1e-6f,
                    // TA-TiTok: CLIP ViT-L/14-336 text states, 77 × 768 unless the config says otherwise.
                    optInteger(vq, p, "text_context_length"), optInteger(vq, p, "text_embed_dim"),
                    optString(vq, p, "text_encoder", null), false);
        }

        Declared explicitSchema(JsonNode root) throws ModelConfigException {
            JsonNode q = root.path("quantizer");
            if (!q.isObject() || !root.path("encoder").isObject() || !root.path("decoder").isObject()) {
                throw new ModelConfigException(file, "neither the hub schema (model.vq_model) nor the explicit form "
                        + "(encoder, decoder, quantizer objects)");
            }
            QuantizeMode mode = mode(optString(q, "quantizer.", "quantize_mode", "vq"));
            Integer patch = optInteger(root, "", "patch_size");
            Integer encPatch = optInteger(root.path("encoder"), "encoder.", "patch_size");
            Integer decPatch = optInteger(root.path("decoder"), "decoder.", "patch_size");
            boolean legacy = optBoolean(root, "", "is_legacy", true);
            Integer imageSize = integer(root, "", "image_size");
            Integer grid = optInteger(root, "", "grid_size");
            if (grid != null && patch != null && grid * patch != imageSize) {
                throw new ModelConfigException(file, "grid_size " + grid + " × patch_size " + patch
                        + " is not image_size " + imageSize);
            }
            JsonNode pq = root.path("pixel_quantizer");
            JsonNode pd = root.path("pixel_decoder");
            List<Integer> levelChannels = null;
            Integer resBlocks = null;
            int groups = 32;
            float gnEps = 1e-6f;
            if (pd.isObject()) {
                int hidden = integer(pd, "pixel_decoder.", "hidden_channels");
                JsonNode mult = pd.path("channel_mult");
                if (!mult.isArray() || mult.isEmpty()) {
                    throw new ModelConfigException(file, "pixel_decoder.channel_mult must be a non-empty array");
                }
                levelChannels = new ArrayList<>();
                for (JsonNode m : mult) {
                    levelChannels.add(hidden * m.asInt());
                }
                Integer levels = optInteger(pd, "pixel_decoder.", "num_resolutions");
                if (levels != null && levels != levelChannels.size()) {
                    throw new ModelConfigException(file, "pixel_decoder.num_resolutions " + levels
                            + " disagrees with channel_mult " + mult);
                }
                resBlocks = integer(pd, "pixel_decoder.", "num_res_blocks");
                JsonNode gn = pd.path("group_norm");
                if (gn.isObject()) {
                    Integer declaredGroups = optInteger(gn, "pixel_decoder.group_norm.", "num_groups");
                    groups = declaredGroups == null ? 32 : declaredGroups;
                    gnEps = gn.has("eps") ? (float) gn.path("eps").doubleValue() : 1e-6f;
                }
            }
            return new Declared(
                    imageSize,
                    encPatch != null ? encPatch : patch,
                    decPatch != null ? decPatch : patch,
                    integer(root, "", "num_latent_tokens"),
                    transformer(root.path("encoder"), "encoder."), null,
                    transformer(root.path("decoder"), "decoder."), null,
                    mode,
                    mode == QuantizeMode.VQ ? integer(q, "quantizer.", "codebook_size") : null,
                    integer(q, "quantizer.", "token_size"),
                    mode == QuantizeMode.VQ && optBoolean(q, "quantizer.", "use_l2_norm", false),
                    legacy,
                    optBoolean(root, "", "finetune_decoder", legacy),
                    pq.isObject() ? optInteger(pq, "pixel_quantizer.", "num_embeddings") : null,
                    pd.isObject() ? optInteger(pd, "pixel_decoder.", "z_channels")
                            : pq.isObject() ? optInteger(pq, "pixel_quantizer.", "embedding_dim") : null,
                    levelChannels, resBlocks, groups, gnEps,
                    optInteger(root, "", "text_context_length"), optInteger(root, "", "text_embed_dim"),
                    optString(root, "", "text_encoder", null), layout(optString(root, "", "token_layout", "1d")));
        }

        private boolean layout(String value) throws ModelConfigException {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "1d", "latent" -> false;
                case "2d", "grid" -> true;
                default -> throw new ModelConfigException(file, "token_layout '" + value + "' is neither 1d nor grid");
            };
        }

        private Transformer transformer(JsonNode node, String prefix) throws ModelConfigException {
            int width = integer(node, prefix, "width");
            double ratio = node.has("mlp_ratio") ? node.path("mlp_ratio").doubleValue() : 4.0;
            float eps = node.has("layer_norm_eps") ? (float) node.path("layer_norm_eps").doubleValue() : 1e-5f;
            return new Transformer(width, integer(node, prefix, "num_layers"), integer(node, prefix, "num_heads"),
                    (int) (width * ratio), eps);
        }

        private Transformer size(String name, String key) throws ModelConfigException {
            Transformer t = MODEL_SIZES.get(name);
            if (t == null) {
                throw new ModelConfigException(file, key + " '" + name + "' is not an official size (small|base|large)");
            }
            return t;
        }

        private QuantizeMode mode(String value) throws ModelConfigException {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "vq" -> QuantizeMode.VQ;
                case "vae" -> QuantizeMode.VAE;
                default -> throw new ModelConfigException(file, "quantize_mode '" + value + "' is neither vq nor vae");
            };
        }

        private int integer(JsonNode node, String prefix, String key) throws ModelConfigException {
            Integer v = optInteger(node, prefix, key);
            if (v == null) {
                throw new ModelConfigException(file, prefix + key + " is missing");
            }
            return v;
        }

        private Integer optInteger(JsonNode node, String prefix, String key) throws ModelConfigException {
            JsonNode v = node.path(key);
            if (v.isMissingNode() || v.isNull()) {
                return null;
            }
            if (!v.isIntegralNumber() || v.intValue() <= 0) {
                throw new ModelConfigException(file, prefix + key + " must be a positive integer, got " + v);
            }
            return v.intValue();
        }

        private String string(JsonNode node, String prefix, String key) throws ModelConfigException {
            JsonNode v = node.path(key);
            if (!v.isString()) {
                throw new ModelConfigException(file, prefix + key + (v.isMissingNode() ? " is missing" : " must be a string"));
            }
            return v.asString();
        }

        private String optString(JsonNode node, String prefix, String key, String fallback) throws ModelConfigException {
            return node.path(key).isMissingNode() || node.path(key).isNull() ? fallback : string(node, prefix, key);
        }

        private boolean optBoolean(JsonNode node, String prefix, String key, boolean fallback) throws ModelConfigException {
            JsonNode v = node.path(key);
            if (v.isMissingNode() || v.isNull()) {
                return fallback;
            }
            if (!v.isBoolean()) {
                throw new ModelConfigException(file, prefix + key + " must be true or false, got " + v);
            }
            return v.booleanValue();
        }
    }

    /** Reads sizes from tensor shapes and checks them against the declared values. */
    private static final class Reconciler {
        private final Path configFile;
        private final WeightsFile weights;
        private final Declared declared;

        Reconciler(Path configFile, WeightsFile weights, Declared declared) {
            this.configFile = configFile;
            this.weights = weights;
            this.declared = declared;
        }

        TiTokConfig reconcile() throws ModelConfigException {
            int n;
            int encWidth;
            if (declared.grid()) {
                if (weights.contains("latent_tokens")) {
                    fail("token_layout is grid but the weights hold latent_tokens (a 1D TiTok)");
                }
                encWidth = dim(shape("encoder.class_embedding", 2)[1]);
                n = -1;   // grid², known once the grid is
            } else {
                long[] latent = shape("latent_tokens", 2);
                n = dim(latent[0]);
                encWidth = dim(latent[1]);
                agree("num_latent_tokens", declared.numLatentTokens(), n, "latent_tokens " + Arrays.toString(latent));
            }
            Transformer encoder = transformer("encoder", declared.encoder(), declared.encoderName(), encWidth);

            long[] patchEmbed = shape("encoder.patch_embed.weight", 4);
            int encPatch = dim(patchEmbed[2]);
            if (patchEmbed[1] != 3 || patchEmbed[3] != encPatch) {
                fail("encoder.patch_embed.weight " + Arrays.toString(patchEmbed) + " is not [W, 3, P, P]");
            }
            agree("encoder patch size", declared.encoderPatch(), encPatch, "encoder.patch_embed.weight");
            int encGrid = grid("encoder.positional_embedding");
            int imageSize = encGrid * encPatch;
            agree("image size", declared.imageSize(), imageSize,
                    "encoder grid " + encGrid + " × patch " + encPatch + " (encoder.positional_embedding)");
            if (declared.grid()) {
                n = encGrid * encGrid;
                agree("num_latent_tokens", declared.numLatentTokens(), n, "a 2D grid has one token per patch");
            }

            int tokenSize = declared.tokenSize();
            int encOut = declared.mode() == QuantizeMode.VAE ? 2 * tokenSize : tokenSize;
            long[] convOut = shape("encoder.conv_out.weight", 4);
            if (convOut[0] != encOut) {
                fail("encoder.conv_out.weight " + Arrays.toString(convOut) + " emits " + convOut[0] + " channels but "
                        + (declared.mode() == QuantizeMode.VAE ? "VAE mode needs 2 × token_size = " : "token_size is ")
                        + encOut);
            }

            int codebookSize = 0;
            if (declared.mode() == QuantizeMode.VQ) {
                long[] codebook = shape("quantize.embedding.weight", 2);
                agree("codebook_size", declared.codebookSize(), dim(codebook[0]), "quantize.embedding.weight");
                agree("token_size", tokenSize, dim(codebook[1]), "quantize.embedding.weight");
                codebookSize = dim(codebook[0]);
            } else if (weights.contains("quantize.embedding.weight")) {
                fail("quantize_mode is vae but the weights hold a VQ codebook (quantize.embedding.weight)");
            }

            int decWidth = dim(shape("decoder.class_embedding", 2)[1]);
            Transformer decoder = transformer("decoder", declared.decoder(), declared.decoderName(), decWidth);
            long[] decEmbed = shape("decoder.decoder_embed.weight", 2);
            agree("token_size", tokenSize, dim(decEmbed[1]), "decoder.decoder_embed.weight");
            int decGrid = grid("decoder.positional_embedding");
            if (imageSize % decGrid != 0) {
                fail("decoder grid " + decGrid + " does not divide the image size " + imageSize);
            }
            int decPatch = imageSize / decGrid;
            agree("decoder patch size", declared.decoderPatch(), decPatch,
                    "image size / decoder grid (decoder.positional_embedding)");

            boolean twoStageWeights = weights.contains("decoder.ffn.2.weight");
            if (declared.legacy() != twoStageWeights) {
                fail("is_legacy is " + declared.legacy() + " but the weights have a "
                        + (twoStageWeights ? "two-stage decoder head (decoder.ffn.2)" : "single-stage decoder head (decoder.conv_out)"));
            }
            PixelDecoder pixelDecoder = null;
            if (declared.legacy()) {
                if (!declared.finetuneDecoder() || !weights.contains("pixel_decoder.conv_in.weight")) {
                    fail("a two-stage (is_legacy) model without its pixel decoder is a stage-1 checkpoint: it predicts "
                            + "proxy-code logits, not pixels; only finetune_decoder checkpoints can detokenize");
                }
                pixelDecoder = pixelDecoder(decGrid, imageSize);
            } else {
                if (declared.finetuneDecoder()) {
                    fail("finetune_decoder with a single-stage (is_legacy false) decoder is not a released configuration");
                }
                long[] ffn = shape("decoder.ffn.0.weight", 4);
                if (ffn[0] != 3L * decPatch * decPatch) {
                    fail("decoder.ffn.0.weight " + Arrays.toString(ffn) + " should emit patch² × 3 = "
                            + 3 * decPatch * decPatch + " channels");
                }
            }
            return new TiTokConfig(imageSize, encPatch, decPatch, n, encoder, decoder, declared.mode(), codebookSize,
                    tokenSize, declared.useL2Norm(), declared.legacy(), pixelDecoder, textBranch(encWidth, decWidth),
                    declared.grid() ? TokenLayout.GRID_2D : TokenLayout.LATENT_1D);
        }

        /** The text branch the weights hold (decoder pair, optionally the encoder pair), checked against the config. */
        private TextBranch textBranch(int encWidth, int decWidth) throws ModelConfigException {
            if (!weights.contains("decoder.text_guidance_proj.weight")) {
                if (weights.contains("encoder.text_guidance_proj.weight")) {
                    fail("encoder.text_guidance_proj without decoder.text_guidance_proj: text conditioning always "
                            + "reaches the decoder");
                }
                if (declared.textEncoder() != null) {
                    fail("text_encoder '" + declared.textEncoder() + "' is declared but the weights have no "
                            + "decoder.text_guidance_proj");
                }
                return null;
            }
            long[] proj = shape("decoder.text_guidance_proj.weight", 2);
            if (proj[0] != decWidth) {
                fail("decoder.text_guidance_proj.weight " + Arrays.toString(proj) + " does not project into the decoder "
                        + "width " + decWidth);
            }
            int dim = dim(proj[1]);
            int length = dim(shape("decoder.text_guidance_positional_embedding", 2)[0]);
            agree("text_embed_dim", declared.textDim(), dim, "decoder.text_guidance_proj.weight");
            agree("text_context_length", declared.textLength(), length, "decoder.text_guidance_positional_embedding");
            boolean inEncoder = weights.contains("encoder.text_guidance_proj.weight");
            if (inEncoder) {
                long[] enc = shape("encoder.text_guidance_proj.weight", 2);
                long[] encPos = shape("encoder.text_guidance_positional_embedding", 2);
                if (enc[0] != encWidth || enc[1] != dim || encPos[0] != length || encPos[1] != encWidth) {
                    fail("encoder text branch " + Arrays.toString(enc) + " / " + Arrays.toString(encPos)
                            + " disagrees with the decoder's (" + length + " × " + dim + ") or the encoder width " + encWidth);
                }
            }
            return new TextBranch(length, dim, inEncoder, declared.textEncoder());
        }

        private Transformer transformer(String part, Transformer declaredSize, String sizeName, int width)
                throws ModelConfigException {
            String said = sizeName == null ? part : part + " size '" + sizeName + "'";
            if (declaredSize.width() != width) {
                fail(said + " has width " + declaredSize.width() + " but " + part + ".class_embedding is [1, " + width + "]");
            }
            int layers = 0;
            while (weights.contains(part + ".transformer." + layers + ".ln_1.weight")) {
                layers++;
            }
            if (layers != declaredSize.layers()) {
                fail(said + " has " + declaredSize.layers() + " layers but the weights hold " + layers
                        + " (" + part + ".transformer.*)");
            }
            if (width % declaredSize.heads() != 0) {
                fail(said + ": width " + width + " is not divisible by " + declaredSize.heads() + " heads");
            }
            if (layers > 0) {
                long[] fc = shape(part + ".transformer.0.mlp.c_fc.weight", 2);
                if (fc[0] != declaredSize.mlpWidth()) {
                    fail(said + " has MLP width " + declaredSize.mlpWidth() + " but " + part
                            + ".transformer.0.mlp.c_fc.weight is " + Arrays.toString(fc));
                }
            }
            return declaredSize;
        }

        private PixelDecoder pixelDecoder(int decGrid, int imageSize) throws ModelConfigException {
            long[] codebook = shape("pixel_quantize.embedding.weight", 2);
            int codes = dim(codebook[0]);
            int z = dim(codebook[1]);
            agree("pixel codebook size", declared.pixelCodebookSize(), codes, "pixel_quantize.embedding.weight");
            agree("pixel decoder z_channels", declared.zChannels(), z, "pixel_quantize.embedding.weight");
            long[] logits = shape("decoder.ffn.2.weight", 4);
            if (logits[0] != codes) {
                fail("decoder.ffn.2.weight " + Arrays.toString(logits) + " predicts " + logits[0]
                        + " logits but the pixel codebook has " + codes + " rows");
            }
            List<Integer> levelChannels = new ArrayList<>();
            while (weights.contains("pixel_decoder.up." + levelChannels.size() + ".block.0.conv2.weight")) {
                levelChannels.add(dim(shape("pixel_decoder.up." + levelChannels.size() + ".block.0.conv2.weight", 4)[0]));
            }
            if (levelChannels.isEmpty()) {
                fail("pixel_decoder.up.0 is missing");
            }
            int resBlocks = count("pixel_decoder.up.0.block.", ".conv1.weight");
            int midBlocks = count("pixel_decoder.mid.", ".conv1.weight");
            if (declared.levelChannels() != null && !declared.levelChannels().equals(levelChannels)) {
                fail("pixel_decoder channels per level " + declared.levelChannels()
                        + " (hidden_channels × channel_mult) but the weights have " + levelChannels);
            }
            agree("pixel_decoder.num_res_blocks", declared.resBlocks(), resBlocks, "pixel_decoder.up.0.block.*");
            long upsampling = 1L << (levelChannels.size() - 1);
            if (decGrid * upsampling != imageSize) {
                fail("the decoder grid " + decGrid + " upsampled ×" + upsampling + " by " + levelChannels.size()
                        + " pixel-decoder levels is not the image size " + imageSize);
            }
            for (int c : levelChannels) {
                if (c % declared.groups() != 0) {
                    fail("pixel decoder width " + c + " is not divisible into " + declared.groups() + " GroupNorm groups");
                }
            }
            return new PixelDecoder(codes, z, levelChannels, resBlocks, midBlocks, declared.groups(), declared.groupNormEps());
        }

        private int count(String prefix, String suffix) {
            int i = 0;
            while (weights.contains(prefix + i + suffix)) {
                i++;
            }
            return i;
        }

        private int grid(String positionalEmbedding) throws ModelConfigException {
            long rows = shape(positionalEmbedding, 2)[0] - 1;
            int g = (int) Math.round(Math.sqrt(rows));
            if ((long) g * g != rows || g == 0) {
                fail(positionalEmbedding + " has " + (rows + 1) + " rows, not grid² + 1");
            }
            return g;
        }

        private long[] shape(String name, int rank) throws ModelConfigException {
            if (!weights.contains(name)) {
                fail("the weights lack " + name + " (not a TiTok checkpoint, or a different architecture)");
            }
            long[] s = weights.info(name).shape();
            if (s.length != rank) {
                fail(name + " has shape " + Arrays.toString(s) + ", expected rank " + rank);
            }
            return s;
        }

        private int dim(long d) {
            return Math.toIntExact(d);
        }

        private void agree(String what, Integer declaredValue, int fromWeights, String source) throws ModelConfigException {
            if (declaredValue != null && declaredValue != fromWeights) {
                fail(what + " is " + declaredValue + " in the config but " + fromWeights + " in the weights (" + source + ")");
            }
        }

        private void fail(String problem) throws ModelConfigException {
            throw new ModelConfigException(configFile, problem + " [weights: " + weights.path().getFileName() + "]");
        }
    }
}
