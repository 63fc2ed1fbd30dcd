package dev.tessera.tokenizers.image.titok;

import dev.tessera.tokenizers.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a TiTok checkpoint with the real tensor names and shapes of a released model but random
 * weights ({@code config.json} in the hub schema + {@code model.safetensors}), for benchmarks
 * where the real weights cannot be downloaded. Values are drawn at O(1) activation scale (as in
 * the conformance fixtures) so every stage computes finite, input-dependent numbers. The writer
 * holds the file in memory: S-128 needs ~0.4 GB of heap, B-64 ~1 GB, L-32 ~3 GB.
 */
public final class TiTokRandomCheckpoint {

    private TiTokRandomCheckpoint() {}

    /** A released configuration, in the hub's terms. */
    public record Variant(String encoderSize, String decoderSize, int numLatentTokens, String quantizeMode,
                          int codebookSize, int tokenSize, boolean useL2Norm, boolean legacy) {}

    /** Released TiTok tokenizers (configs/infer/TiTok/*.yaml); all 256 px, patch 16. */
    public static final Map<String, Variant> VARIANTS = Map.of(
            "s128", new Variant("small", "small", 128, "vq", 4096, 12, true, true),
            "b64", new Variant("base", "base", 64, "vq", 4096, 12, true, true),
            "l32", new Variant("large", "large", 32, "vq", 4096, 12, true, true),
            "bl64_vq8k", new Variant("base", "large", 64, "vq", 8192, 64, false, false),
            "bl128_vq8k", new Variant("base", "large", 128, "vq", 8192, 64, false, false),
            "sl256_vq8k", new Variant("small", "large", 256, "vq", 8192, 64, false, false),
            "bl64_vae_c16", new Variant("base", "large", 64, "vae", 0, 16, false, false));

    private static final int IMAGE_SIZE = 256;
    private static final int PATCH = 16;

    /** Writes {@code dir/config.json} and {@code dir/model.safetensors} for a key of {@link #VARIANTS}. */
    public static void write(Path dir, String variant, long seed) throws IOException {
        Variant v = VARIANTS.get(variant);
        if (v == null) {
            throw new IllegalArgumentException("unknown TiTok variant '" + variant + "', known: " + VARIANTS.keySet());
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), hubConfigJson(v));
        SplittableRandom random = new SplittableRandom(seed);
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt")
                .metadata("note", "random weights with the shapes of TiTok " + variant + "; not a trained model");
        for (Map.Entry<String, long[]> e : tensorShapes(config(v)).entrySet()) {
            writer.add(e.getKey(), e.getValue(), values(e.getKey(), e.getValue(), random));
        }
        writer.write(dir.resolve("model.safetensors"));
    }

    /** The configuration a variant describes (pixel decoder: MaskGIT-VQGAN 256 px, as the reference hard-codes). */
    public static TiTokConfig config(Variant v) {
        TiTokConfig.PixelDecoder pixel = v.legacy()
                ? new TiTokConfig.PixelDecoder(1024, 256, List.of(128, 128, 256, 256, 512), 2, 2, 32, 1e-6f)
                : null;
        return new TiTokConfig(IMAGE_SIZE, PATCH, PATCH, v.numLatentTokens(),
                TiTokConfig.MODEL_SIZES.get(v.encoderSize()), TiTokConfig.MODEL_SIZES.get(v.decoderSize()),
                v.quantizeMode().equals("vae") ? TiTokConfig.QuantizeMode.VAE : TiTokConfig.QuantizeMode.VQ,
                v.codebookSize(), v.tokenSize(), v.useL2Norm(), v.legacy(), pixel);
    }

    /** config.json as the hub's PyTorchModelHubMixin stores it (the OmegaConf YAML schema). */
    public static String hubConfigJson(Variant v) {
        Map<String, Object> vq = new LinkedHashMap<>();
        if (v.quantizeMode().equals("vq")) {
            vq.put("codebook_size", v.codebookSize());
        }
        vq.put("token_size", v.tokenSize());
        if (v.quantizeMode().equals("vq")) {
            vq.put("use_l2_norm", v.useL2Norm());
            vq.put("commitment_cost", 0.25);
        }
        vq.put("vit_enc_model_size", v.encoderSize());
        vq.put("vit_dec_model_size", v.decoderSize());
        vq.put("vit_enc_patch_size", PATCH);
        vq.put("vit_dec_patch_size", PATCH);
        vq.put("num_latent_tokens", v.numLatentTokens());
        vq.put("finetune_decoder", v.legacy());
        vq.put("is_legacy", v.legacy());
        vq.put("quantize_mode", v.quantizeMode());
        Map<String, Object> root = Map.of(
                "model", Map.of("vq_model", vq),
                "dataset", Map.of("preprocessing", Map.of("crop_size", IMAGE_SIZE)));
        return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    /** Official state_dict names and shapes of a configuration, in state_dict order. */
    public static Map<String, long[]> tensorShapes(TiTokConfig c) {
        Map<String, long[]> s = new LinkedHashMap<>();
        long n = c.numLatentTokens();
        long we = c.encoder().width();
        long ge = c.encoderGrid();
        TiTokConfig.TextBranch text = c.text();
        if (!c.grid2d()) {
            s.put("latent_tokens", shape(n, we));
        }
        s.put("encoder.class_embedding", shape(1, we));
        s.put("encoder.positional_embedding", shape(ge * ge + 1, we));
        if (!c.grid2d()) {
            s.put("encoder.latent_token_positional_embedding", shape(n, we));
        }
        if (text != null && text.encoder()) {
            s.put("encoder.text_guidance_proj.weight", shape(we, text.embedDim()));
            s.put("encoder.text_guidance_proj.bias", shape(we));
            s.put("encoder.text_guidance_positional_embedding", shape(text.contextLength(), we));
        }
        s.put("encoder.patch_embed.weight", shape(we, 3, c.encoderPatchSize(), c.encoderPatchSize()));
        s.put("encoder.patch_embed.bias", shape(we));
        norm(s, "encoder.ln_pre", we);
        blocks(s, "encoder", c.encoder());
        norm(s, "encoder.ln_post", we);
        s.put("encoder.conv_out.weight", shape(c.encoderOutChannels(), we, 1, 1));
        s.put("encoder.conv_out.bias", shape(c.encoderOutChannels()));

        long wd = c.decoder().width();
        long gd = c.decoderGrid();
        s.put("decoder.class_embedding", shape(1, wd));
        s.put("decoder.positional_embedding", shape(gd * gd + 1, wd));
        if (!c.grid2d()) {
            s.put("decoder.mask_token", shape(1, 1, wd));
            s.put("decoder.latent_token_positional_embedding", shape(n, wd));
        }
        if (text != null) {
            s.put("decoder.text_guidance_proj.weight", shape(wd, text.embedDim()));
            s.put("decoder.text_guidance_proj.bias", shape(wd));
            s.put("decoder.text_guidance_positional_embedding", shape(text.contextLength(), wd));
        }
        s.put("decoder.decoder_embed.weight", shape(wd, c.tokenSize()));
        s.put("decoder.decoder_embed.bias", shape(wd));
        norm(s, "decoder.ln_pre", wd);
        blocks(s, "decoder", c.decoder());
        norm(s, "decoder.ln_post", wd);
        if (c.twoStage()) {
            TiTokConfig.PixelDecoder p = c.pixelDecoder();
            s.put("decoder.ffn.0.weight", shape(2 * wd, wd, 1, 1));
            s.put("decoder.ffn.0.bias", shape(2 * wd));
            s.put("decoder.ffn.2.weight", shape(p.codebookSize(), 2 * wd, 1, 1));
            s.put("decoder.ffn.2.bias", shape(p.codebookSize()));
        } else {
            long p = c.decoderPatchSize();
            s.put("decoder.ffn.0.weight", shape(p * p * 3, wd, 1, 1));
            s.put("decoder.ffn.0.bias", shape(p * p * 3));
            s.put("decoder.conv_out.weight", shape(3, 3, 3, 3));
            s.put("decoder.conv_out.bias", shape(3));
        }
        if (c.quantizeMode() == TiTokConfig.QuantizeMode.VQ) {
            s.put("quantize.embedding.weight", shape(c.codebookSize(), c.tokenSize()));
        }
        if (c.twoStage()) {
            pixelDecoder(s, c.pixelDecoder());
        }
        return s;
    }

    private static void blocks(Map<String, long[]> s, String part, TiTokConfig.Transformer t) {
        long w = t.width();
        long m = t.mlpWidth();
        for (int i = 0; i < t.layers(); i++) {
            String p = part + ".transformer." + i;
            norm(s, p + ".ln_1", w);
            s.put(p + ".attn.in_proj_weight", shape(3 * w, w));
            s.put(p + ".attn.in_proj_bias", shape(3 * w));
            s.put(p + ".attn.out_proj.weight", shape(w, w));
            s.put(p + ".attn.out_proj.bias", shape(w));
            norm(s, p + ".ln_2", w);
            s.put(p + ".mlp.c_fc.weight", shape(m, w));
            s.put(p + ".mlp.c_fc.bias", shape(m));
            s.put(p + ".mlp.c_proj.weight", shape(w, m));
            s.put(p + ".mlp.c_proj.bias", shape(w));
        }
    }

    private static void pixelDecoder(Map<String, long[]> s, TiTokConfig.PixelDecoder p) {
        s.put("pixel_quantize.embedding.weight", shape(p.codebookSize(), p.zChannels()));
        long top = p.topChannels();
        s.put("pixel_decoder.conv_in.weight", shape(top, p.zChannels(), 3, 3));
        s.put("pixel_decoder.conv_in.bias", shape(top));
        for (int i = 0; i < p.midBlocks(); i++) {
            resBlock(s, "pixel_decoder.mid." + i, top, top);
        }
        for (int level = 0; level < p.levels(); level++) {
            long out = p.levelChannels().get(level);
            long in = level == p.levels() - 1 ? top : p.levelChannels().get(level + 1);
            for (int j = 0; j < p.resBlocksPerLevel(); j++) {
                resBlock(s, "pixel_decoder.up." + level + ".block." + j, j == 0 ? in : out, out);
            }
            if (level != 0) {
                s.put("pixel_decoder.up." + level + ".upsample_conv.weight", shape(out, out, 3, 3));
                s.put("pixel_decoder.up." + level + ".upsample_conv.bias", shape(out));
            }
        }
        long bottom = p.levelChannels().getFirst();
        norm(s, "pixel_decoder.norm_out", bottom);
        s.put("pixel_decoder.conv_out.weight", shape(3, bottom, 3, 3));
        s.put("pixel_decoder.conv_out.bias", shape(3));
    }

    private static void resBlock(Map<String, long[]> s, String p, long in, long out) {
        norm(s, p + ".norm1", in);
        s.put(p + ".conv1.weight", shape(out, in, 3, 3));
        norm(s, p + ".norm2", out);
        s.put(p + ".conv2.weight", shape(out, out, 3, 3));
        if (in != out) {
            s.put(p + ".nin_shortcut.weight", shape(out, out, 1, 1));
        }
    }

    private static void norm(Map<String, long[]> s, String prefix, long width) {
        s.put(prefix + ".weight", shape(width));
        s.put(prefix + ".bias", shape(width));
    }

    private static long[] shape(long... dims) {
        return dims;
    }

    /** O(1)-scale values: norms ≈ 1, small biases, fan-in-scaled weights, unit-variance codebooks. */
    private static float[] values(String name, long[] shape, SplittableRandom random) {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        float[] v = new float[Math.toIntExact(count)];
        boolean isNorm = name.matches(".*\\.(ln_\\w+|norm\\w*)\\.(weight|bias)");
        double mean = 0;
        double std;
        if (isNorm && name.endsWith(".weight")) {
            mean = 1;
            std = 0.1;
        } else if (name.endsWith("bias")) {
            std = 0.1;
        } else if (name.contains("embedding.weight")) {
            std = 1;   // codebooks
        } else if (name.startsWith("latent_tokens") || name.contains("latent_token_positional")) {
            std = 0.1;
        } else if (shape.length >= 2 && (name.endsWith("weight"))) {
            long fanIn = count / shape[0];
            std = 1 / Math.sqrt(fanIn);
        } else {
            std = 0.5;  // class / positional embeddings, mask token
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (mean + std * random.nextGaussian());
        }
        return v;
    }
}
