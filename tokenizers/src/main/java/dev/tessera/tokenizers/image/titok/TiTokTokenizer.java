package dev.tessera.tokenizers.image.titok;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.tessera.tokenizers.image.CaptionEncoder;
import dev.tessera.tokenizers.image.ImageTokenizer;
import dev.tessera.tokenizers.nn.NamedWeights;
import dev.tessera.tokenizers.weights.MalformedWeightsException;
import dev.tessera.tokenizers.weights.WeightsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * TiTok ("An Image is Worth 32 Tokens", bytedance/1d-tokenizer) on DJL NDArray ops with the
 * PyTorch engine, loaded from an official checkpoint: {@code config.json} (hub OmegaConf schema
 * or the explicit fixture form) and {@code model.safetensors} with the official state_dict names.
 * Covers the two-stage decoder (L-32, B-64, S-128), the single-stage one (VQ-8k, VAE), the
 * caption-conditioned ones (TA-TiTok's decoder text branch, TexTok mode's encoder one, reading
 * captions through a {@link CaptionEncoder}) and the 2D-grid baseline layout. All weights live on one {@link NDManager}; each call is one batched
 * forward pass whose temporaries are freed when it returns. Safe for concurrent calls.
 */
public final class TiTokTokenizer implements ImageTokenizer {

    /** Buffers a training checkpoint may carry that inference never reads (clustering-VQ usage statistics). */
    private static final Set<String> IGNORABLE = Set.of("quantize.embed_prob");

    private final String name;
    private final TiTokConfig config;
    private final NDManager manager;
    private final TiTokEncoder encoder;
    private final VectorQuantizer quantizer;   // null in VAE mode
    private final TiTokDecoder decoder;
    private final CaptionEncoder captionEncoder;   // null for a model without text conditioning
    private final long parameterCount;
    private volatile boolean closed;

    private TiTokTokenizer(String name, TiTokConfig config, NDManager manager, NamedWeights weights,
                           CaptionEncoder captionEncoder) throws MalformedWeightsException {
        this.name = name;
        this.captionEncoder = captionEncoder;
        this.config = config;
        this.manager = manager;
        this.encoder = new TiTokEncoder(config, weights);
        this.quantizer = config.quantizeMode() == TiTokConfig.QuantizeMode.VQ ? new VectorQuantizer(config, weights) : null;
        this.decoder = new TiTokDecoder(config, weights);
        weights.requireAllTaken(IGNORABLE, " (a variant this port does not cover?)");
        this.parameterCount = weights.parameterCount();
    }

    /**
     * Loads {@code modelDir/config.json} and the folder's weights: {@code model.safetensors}, or a
     * {@code torch.save} state dict ({@code pytorch_model.bin}, {@code model.pt}, {@code model.pth}).
     *
     * @param device "auto" (CUDA when PyTorch sees a GPU, else CPU), "cpu", "gpu" or "gpu:N"
     */
    public static TiTokTokenizer load(Path modelDir, String device) throws IOException {
        return load(modelDir, device, CaptionEncoder.Resolver.serviceLoader());
    }

    /**
     * As {@link #load(Path, String)}, with the text model of a caption-conditioned checkpoint
     * taken from {@code captions} (the service passes the embedding models it already holds).
     */
    public static TiTokTokenizer load(Path modelDir, String device, CaptionEncoder.Resolver captions) throws IOException {
        Path configFile = modelDir.resolve("config.json");
        Path weightsFile = WeightsFile.require(modelDir, "TiTok");
        if (!Files.isRegularFile(configFile)) {
            throw new java.nio.file.NoSuchFileException(configFile.toString(), null, "no TiTok config");
        }
        Device target = chooseDevice(device);
        try (WeightsFile file = WeightsFile.open(weightsFile)) {
            TiTokConfig config = TiTokConfig.read(configFile, file);
            CaptionEncoder text = config.textConditioned() ? captionEncoder(config.text(), captions, configFile) : null;
            NDManager manager = NDManager.newBaseManager(target, "PyTorch");
            try {
                String name = modelDir.getFileName() == null ? "titok" : modelDir.getFileName().toString();
                return new TiTokTokenizer(name, config, manager, new NamedWeights(file, manager), text);
            } catch (IOException | RuntimeException e) {
                manager.close();
                throw e;
            }
        }
    }

    private static CaptionEncoder captionEncoder(TiTokConfig.TextBranch text, CaptionEncoder.Resolver captions,
                                                 Path configFile) throws IOException {
        String wanted = text.textEncoder();
        if (wanted == null) {
            throw new dev.tessera.tokenizers.weights.ModelConfigException(configFile, "the model reads captions ("
                    + text.contextLength() + " × " + text.embedDim() + " text states) but names no text_encoder; "
                    + (text.embedDim() == 768 ? "a TA-TiTok checkpoint needs a CLIP ViT-L/14-336 text tower, which is "
                    + "not installed" : "add \"text_encoder\" to config.json"));
        }
        CaptionEncoder encoder = captions.resolve(wanted).orElseThrow(() -> new dev.tessera.tokenizers.weights
                .ModelConfigException(configFile, "the model reads captions with the text model '" + wanted
                + "', which is not available"));
        if (encoder.dimension() != text.embedDim()) {
            throw new dev.tessera.tokenizers.weights.ModelConfigException(configFile, "text model " + wanted + " has "
                    + encoder.dimension() + "-d token states but the model was trained on " + text.embedDim() + "-d ones");
        }
        return encoder;
    }

    /** "auto" (CUDA when PyTorch sees a GPU, else CPU), "cpu", "gpu" or "gpu:N". */
    public static Device chooseDevice(String device) {
        return dev.tessera.tokenizers.nn.Devices.choose(device);
    }

    public TiTokConfig config() {
        return config;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int imageSize() {
        return config.imageSize();
    }

    @Override
    public int numTokens() {
        return config.numLatentTokens();
    }

    /** Codebook rows; 0 for a VAE model (continuous tokens). */
    @Override
    public int codebookSize() {
        return config.codebookSize();
    }

    @Override
    public long parameterCount() {
        return parameterCount;
    }

    @Override
    public String device() {
        return manager.getDevice().toString();
    }

    @Override
    public Captions captions() {
        TiTokConfig.TextBranch text = config.text();
        return text == null ? Captions.NONE : text.encoder() ? Captions.ENCODER_AND_DECODER : Captions.DECODER;
    }

    @Override
    public String captionEncoder() {
        return captionEncoder == null ? null : captionEncoder.name();
    }

    @Override
    public int[][] tokenize(List<float[]> images) {
        return tokenize(images, null);
    }

    @Override
    public int[][] tokenize(List<float[]> images, List<String> captions) {
        requireDiscrete();
        boolean needed = captions() == Captions.ENCODER_AND_DECODER;
        checkCaptions(captions, images.size(), needed, "tokenize");
        if (images.isEmpty()) {
            return new int[0][];
        }
        return run(call -> {
            NDArray text = needed ? textStates(call, captions) : null;
            NDArray ids = quantizer.indices(encoder.forward(pixels(call, images), text, Probe.NONE));
            return split(ids.toLongArray(), images.size());
        });
    }

    @Override
    public List<float[]> detokenize(List<int[]> tokens) {
        return detokenize(tokens, null);
    }

    @Override
    public List<float[]> detokenize(List<int[]> tokens, List<String> captions) {
        requireDiscrete();
        boolean needed = captions() != Captions.NONE;
        checkCaptions(captions, tokens.size(), needed, "detokenize");
        if (tokens.isEmpty()) {
            return List.of();
        }
        return run(call -> {
            NDArray z = quantizer.lookup(ids(call, tokens));
            return splitFloats(decoder.forward(z, needed ? textStates(call, captions) : null, Probe.NONE), tokens.size());
        });
    }

    /** Captions must be given (non-blank) exactly where the model reads them; a model without text refuses them. */
    private void checkCaptions(List<String> captions, int count, boolean needed, String what) {
        boolean any = captions != null && captions.stream().anyMatch(c -> c != null);
        if (captions() == Captions.NONE && any) {
            throw new IllegalArgumentException("model " + name + " was not trained with captions and does not take one");
        }
        if (!needed) {
            return;
        }
        if (captions == null || captions.size() != count) {
            throw new IllegalArgumentException("model " + name + " was trained with captions: " + what
                    + " needs one caption per image");
        }
        for (int i = 0; i < captions.size(); i++) {
            if (captions.get(i) == null || captions.get(i).isBlank()) {
                throw new IllegalArgumentException("model " + name + " was trained with captions: " + what
                        + " needs a non-empty caption" + (count > 1 ? " for item " + i : ""));
            }
        }
    }

    private NDArray textStates(NDManager call, List<String> captions) {
        TiTokConfig.TextBranch text = config.text();
        List<float[]> states = captionEncoder.encode(captions, text.contextLength());
        return call.create(concat(states, text.contextLength() * text.embedDim(), "caption states"),
                new Shape(captions.size(), text.contextLength(), text.embedDim()));
    }

    /**
     * Encoder output before quantisation, per image [C, 1, N] flattened: for a VAE model the
     * posterior mean (the deterministic choice; the reference demo samples), for a VQ model the latents.
     */
    public List<float[]> encodeContinuous(List<float[]> images) {
        if (images.isEmpty()) {
            return List.of();
        }
        requireNoText();
        return run(call -> splitFloats(continuous(encoder.forward(pixels(call, images), null, Probe.NONE)), images.size()));
    }

    /** Decodes continuous tokens, per image [C, 1, N] flattened (C = token size), as the reference {@code decode}. */
    public List<float[]> decodeContinuous(List<float[]> latents) {
        if (latents.isEmpty()) {
            return List.of();
        }
        requireNoText();
        int c = config.tokenSize();
        int n = config.numLatentTokens();
        return run(call -> {
            NDArray z = call.create(concat(latents, c * n, "latent"), new Shape(latents.size(), c, 1, n));
            return splitFloats(decoder.forward(z, null, Probe.NONE), latents.size());
        });
    }

    /**
     * Per-patch encoder states of each image, [g² × W] row-major (g = image size / encoder patch):
     * learned patch features, e.g. VQToken's video backbone. Not for caption-conditioned encoders.
     */
    public List<float[]> patchStates(List<float[]> images) {
        if (config.textConditioned() && config.text().encoder()) {
            throw new UnsupportedOperationException(name + " reads captions in its encoder; its patch states need one");
        }
        if (images.isEmpty()) {
            return List.of();
        }
        return run(call -> splitFloats(encoder.patchStates(pixels(call, images), null), images.size()));
    }

    /** Intermediates of one batched call, per stage name, per image, flattened in the reference layout. */
    public record Trace(Map<String, List<float[]>> stages, int[][] tokens) {
        public float[] get(String stage, int image) {
            List<float[]> values = stages.get(stage);
            if (values == null) {
                throw new IllegalArgumentException("no stage " + stage + " in " + stages.keySet());
            }
            return values.get(image);
        }
    }

    /**
     * Encoder side with intermediates: enc_ln_post [N, W], latents [C', 1, N], quantized [C, 1, N]
     * (VQ only) and the token ids. Same code path as {@link #tokenize}.
     */
    public Trace encodeTrace(List<float[]> images) {
        requireNoText();
        Map<String, List<float[]>> stages = new LinkedHashMap<>();
        int[][] ids = run(call -> {
            NDArray latents = encoder.forward(pixels(call, images), null, recorder(stages, images.size()));
            if (quantizer == null) {
                return null;
            }
            NDArray idx = quantizer.indices(latents);
            stages.put("quantized", splitFloats(quantizer.lookup(idx), images.size()));
            return split(idx.toLongArray(), images.size());
        });
        return new Trace(Collections.unmodifiableMap(stages), ids);
    }

    /**
     * Decoder side with intermediates: quantized, decoder_logits and pixel_latents (two-stage) or
     * decoder_ffn_out (single-stage), decoded. Same code path as {@link #detokenize}.
     */
    public Trace decodeTrace(List<int[]> tokens) {
        requireDiscrete();
        requireNoText();
        Map<String, List<float[]>> stages = new LinkedHashMap<>();
        run(call -> {
            NDArray z = quantizer.lookup(ids(call, tokens));
            stages.put("quantized", splitFloats(z, tokens.size()));
            return decoder.forward(z, null, recorder(stages, tokens.size()));
        });
        return new Trace(Collections.unmodifiableMap(stages), tokens.toArray(new int[0][]));
    }

    @Override
    public void close() {
        closed = true;
        manager.close();
    }

    private <T> T run(Function<NDManager, T> body) {
        if (closed) {
            throw new IllegalStateException("tokenizer " + name + " is closed");
        }
        try (NDManager call = manager.newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return body.apply(call);
        }
    }

    private NDArray continuous(NDArray latents) {
        if (config.quantizeMode() == TiTokConfig.QuantizeMode.VAE) {
            return latents.get(":, :{}", config.tokenSize());   // mean; the log-variance half is dropped
        }
        return latents;
    }

    private void requireNoText() {
        if (config.textConditioned()) {
            throw new UnsupportedOperationException(name + " reads captions; use tokenize / detokenize with captions");
        }
    }

    private void requireDiscrete() {
        if (quantizer == null) {
            throw new UnsupportedOperationException(name + " is a VAE model with continuous tokens; "
                    + "use encodeContinuous / decodeContinuous");
        }
    }

    private NDArray pixels(NDManager call, List<float[]> images) {
        int s = config.imageSize();
        return call.create(concat(images, 3 * s * s, "image"), new Shape(images.size(), 3, s, s));
    }

    private static float[] concat(List<float[]> items, int size, String what) {
        float[] all = new float[Math.multiplyExact(items.size(), size)];
        for (int i = 0; i < items.size(); i++) {
            float[] item = items.get(i);
            if (item == null || item.length != size) {
                throw new IllegalArgumentException(what + " " + i + " has " + (item == null ? "no" : item.length)
                        + " values, expected " + size);
            }
            System.arraycopy(item, 0, all, i * size, size);
        }
        return all;
    }

    private NDArray ids(NDManager call, List<int[]> tokens) {
        int n = config.numLatentTokens();
        int k = config.codebookSize();
        long[] all = new long[Math.multiplyExact(tokens.size(), n)];
        for (int i = 0; i < tokens.size(); i++) {
            int[] t = tokens.get(i);
            if (t == null || t.length != n) {
                throw new IllegalArgumentException("token list " + i + " has " + (t == null ? "no" : t.length)
                        + " ids, expected exactly " + n);
            }
            for (int j = 0; j < n; j++) {
                if (t[j] < 0 || t[j] >= k) {
                    throw new IllegalArgumentException("token list " + i + ", position " + j + ": id " + t[j]
                            + " is outside [0, " + k + ")");
                }
                all[i * n + j] = t[j];
            }
        }
        return call.create(all, new Shape(tokens.size(), n));
    }

    private static int[][] split(long[] flat, int batch) {
        int per = flat.length / batch;
        int[][] out = new int[batch][per];
        for (int i = 0; i < flat.length; i++) {
            out[i / per][i % per] = Math.toIntExact(flat[i]);
        }
        return out;
    }

    private static List<float[]> splitFloats(NDArray array, int batch) {
        float[] flat = array.toFloatArray();
        int per = flat.length / batch;
        List<float[]> out = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            float[] one = new float[per];
            System.arraycopy(flat, i * per, one, 0, per);
            out.add(one);
        }
        return out;
    }

    private static Probe recorder(Map<String, List<float[]>> stages, int batch) {
        return (stage, value) -> stages.put(stage, splitFloats(value, batch));
    }
}
