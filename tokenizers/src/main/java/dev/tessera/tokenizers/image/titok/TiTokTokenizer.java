package dev.tessera.tokenizers.image.titok;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.tessera.tokenizers.image.ImageTokenizer;
import dev.tessera.tokenizers.nn.NamedWeights;
import dev.tessera.tokenizers.weights.MalformedWeightsException;
import dev.tessera.tokenizers.weights.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * TiTok ("An Image is Worth 32 Tokens", bytedance/1d-tokenizer) on DJL NDArray ops with the
 * PyTorch engine, loaded from an official checkpoint: {@code config.json} (hub OmegaConf schema
 * or the explicit fixture form) and {@code model.safetensors} with the official state_dict names.
 * Covers the two-stage decoder (L-32, B-64, S-128) and the single-stage one (VQ-8k, VAE,
 * TA-TiTok without text). All weights live on one {@link NDManager}; each call is one batched
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
    private final long parameterCount;
    private volatile boolean closed;

    private TiTokTokenizer(String name, TiTokConfig config, NDManager manager, NamedWeights weights)
            throws MalformedWeightsException {
        this.name = name;
        this.config = config;
        this.manager = manager;
        this.encoder = new TiTokEncoder(config, weights);
        this.quantizer = config.quantizeMode() == TiTokConfig.QuantizeMode.VQ ? new VectorQuantizer(config, weights) : null;
        this.decoder = new TiTokDecoder(config, weights);
        weights.requireAllTaken(IGNORABLE, " (a TA-TiTok text branch or another variant this port does not cover?)");
        this.parameterCount = weights.parameterCount();
    }

    /**
     * Loads {@code modelDir/config.json} and {@code modelDir/model.safetensors}.
     *
     * @param device "auto" (CUDA when PyTorch sees a GPU, else CPU), "cpu", "gpu" or "gpu:N"
     */
    public static TiTokTokenizer load(Path modelDir, String device) throws IOException {
        Path configFile = modelDir.resolve("config.json");
        Path weightsFile = modelDir.resolve("model.safetensors");
        if (!Files.isRegularFile(weightsFile)) {
            String hint = Files.exists(modelDir.resolve("pytorch_model.bin"))
                    ? " (pytorch_model.bin is a pickle, which is not read here: convert it once with Python, "
                    + "e.g. safetensors.torch.save_file(torch.load(path), 'model.safetensors'))"
                    : "";
            throw new java.nio.file.NoSuchFileException(weightsFile.toString(), null, "no TiTok weights" + hint);
        }
        if (!Files.isRegularFile(configFile)) {
            throw new java.nio.file.NoSuchFileException(configFile.toString(), null, "no TiTok config");
        }
        Device target = chooseDevice(device);
        try (SafetensorsFile file = SafetensorsFile.open(weightsFile)) {
            TiTokConfig config = TiTokConfig.read(configFile, file);
            NDManager manager = NDManager.newBaseManager(target, "PyTorch");
            try {
                String name = modelDir.getFileName() == null ? "titok" : modelDir.getFileName().toString();
                return new TiTokTokenizer(name, config, manager, new NamedWeights(file, manager));
            } catch (IOException | RuntimeException e) {
                manager.close();
                throw e;
            }
        }
    }

    /** "auto" (CUDA when PyTorch sees a GPU, else CPU), "cpu", "gpu" or "gpu:N". */
    public static Device chooseDevice(String device) {
        String d = device == null ? "auto" : device.strip().toLowerCase(Locale.ROOT);
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        if (d.equals("auto")) {
            return gpus > 0 ? Device.gpu() : Device.cpu();
        }
        if (d.equals("cpu")) {
            return Device.cpu();
        }
        if (d.equals("gpu") || d.equals("cuda") || d.matches("(gpu|cuda)[:(]?\\d+\\)?")) {
            int id = d.matches(".*\\d.*") ? Integer.parseInt(d.replaceAll("\\D", "")) : 0;
            if (id >= gpus) {
                throw new IllegalArgumentException("device '" + device + "' requested but PyTorch sees " + gpus + " GPU(s)");
            }
            return Device.gpu(id);
        }
        throw new IllegalArgumentException("device must be auto, cpu, gpu or gpu:N, got '" + device + "'");
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
    public int[][] tokenize(List<float[]> images) {
        requireDiscrete();
        if (images.isEmpty()) {
            return new int[0][];
        }
        return run(call -> {
            NDArray ids = quantizer.indices(encoder.forward(pixels(call, images), Probe.NONE));
            return split(ids.toLongArray(), images.size());
        });
    }

    @Override
    public List<float[]> detokenize(List<int[]> tokens) {
        requireDiscrete();
        if (tokens.isEmpty()) {
            return List.of();
        }
        return run(call -> splitFloats(decoder.forward(quantizer.lookup(ids(call, tokens)), Probe.NONE), tokens.size()));
    }

    /**
     * Encoder output before quantisation, per image [C, 1, N] flattened: for a VAE model the
     * posterior mean (the deterministic choice; the reference demo samples), for a VQ model the latents.
     */
    public List<float[]> encodeContinuous(List<float[]> images) {
        if (images.isEmpty()) {
            return List.of();
        }
        return run(call -> splitFloats(continuous(encoder.forward(pixels(call, images), Probe.NONE)), images.size()));
    }

    /** Decodes continuous tokens, per image [C, 1, N] flattened (C = token size), as the reference {@code decode}. */
    public List<float[]> decodeContinuous(List<float[]> latents) {
        if (latents.isEmpty()) {
            return List.of();
        }
        int c = config.tokenSize();
        int n = config.numLatentTokens();
        return run(call -> {
            NDArray z = call.create(concat(latents, c * n, "latent"), new Shape(latents.size(), c, 1, n));
            return splitFloats(decoder.forward(z, Probe.NONE), latents.size());
        });
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
        Map<String, List<float[]>> stages = new LinkedHashMap<>();
        int[][] ids = run(call -> {
            NDArray latents = encoder.forward(pixels(call, images), recorder(stages, images.size()));
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
        Map<String, List<float[]>> stages = new LinkedHashMap<>();
        run(call -> {
            NDArray z = quantizer.lookup(ids(call, tokens));
            stages.put("quantized", splitFloats(z, tokens.size()));
            return decoder.forward(z, recorder(stages, tokens.size()));
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
