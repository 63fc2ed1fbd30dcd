package dev.tessera.tokenizers.image.titok.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.tessera.tokenizers.image.titok.TiTokConfig;
import dev.tessera.tokenizers.image.titok.TiTokGraph;
import dev.tessera.tokenizers.image.titok.TiTokRandomCheckpoint;
import dev.tessera.tokenizers.nn.NamedWeights;
import dev.tessera.tokenizers.nn.train.Adam;
import dev.tessera.tokenizers.nn.train.CheckpointDirectory;
import dev.tessera.tokenizers.nn.train.StepGuard;
import dev.tessera.tokenizers.weights.MalformedWeightsException;
import dev.tessera.tokenizers.weights.SafetensorsFile;
import dev.tessera.tokenizers.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Trains a single-stage VQ TiTok end to end on DJL's PyTorch engine: the tensors the inference
 * modules hold ({@link TiTokGraph} over {@link NamedWeights}) are marked as requiring gradients,
 * one step runs the same forward code inside a {@link GradientCollector} with the reference
 * quantiser's straight-through estimator, and {@link Adam} (written out, so its moments can be
 * checkpointed) updates the tensors in place.
 *
 * <p>Loss, as the reference single-stage recipe without the perceptual and GAN terms:
 * {@code mse(x̂, x) + mse(zq, sg(z)) + β·mse(z, sg(zq))} with β = commitment cost (0.25), on the
 * l2-normalised vectors when the model uses l2 lookup. Codebook rows unused for
 * {@code reinitEvery} steps are replaced by random encoder outputs of the current batch (and their
 * Adam moments reset). Runs on whatever device the manager is on, CUDA included.
 */
public final class TiTokTrainer implements AutoCloseable {

    /** Optimisation settings; not part of the checkpoint (given again when resuming). */
    public record Hyper(float learningRate, float beta1, float beta2, float eps, float commitmentCost, int reinitEvery,
                        StepGuard.Settings guard, long seed) {
        /**
         * Adam betas (0.9, 0.99), commitment 0.25, gradients clipped to norm {@link #DEFAULT_CLIP_NORM}
         * (the reference recipe's {@code max_grad_norm}), a run stopped after
         * {@link #DEFAULT_MAX_REFUSED} refused steps in a row.
         */
        public static Hyper defaults(float learningRate, int reinitEvery, long seed) {
            return new Hyper(learningRate, 0.9f, 0.99f, 1e-8f, 0.25f, reinitEvery,
                    new StepGuard.Settings(DEFAULT_CLIP_NORM, DEFAULT_MAX_REFUSED), seed);
        }

        /** These settings with another step guard. */
        public Hyper withGuard(StepGuard.Settings settings) {
            return new Hyper(learningRate, beta1, beta2, eps, commitmentCost, reinitEvery, settings, seed);
        }
    }

    /** Global gradient norm an update uses at most, by default (0: off). */
    public static final float DEFAULT_CLIP_NORM = 0f;
    /** Refused steps in a row that stop a run, by default. */
    public static final int DEFAULT_MAX_REFUSED = 10;

    /**
     * Losses of one step (before its update), how many dead codebook rows it replaced and the
     * guard's verdict (gradient norm, clipping; a refused step updated nothing).
     */
    public record StepLoss(float total, float reconstruction, float quantizer, int deadCodesReplaced,
                           StepGuard.Verdict verdict) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CODEBOOK = "quantize.embedding.weight";

    private final TiTokConfig config;
    private final Hyper hyper;
    private final NDManager manager;
    private final TiTokGraph graph;
    private final Map<String, NDArray> params;
    private final Adam adam;
    private final StepGuard guard;
    private final long[] usage;
    private long step;

    private TiTokTrainer(TiTokConfig config, Hyper hyper, NDManager manager, SafetensorsFile weights,
                         SafetensorsFile moments, long step) throws MalformedWeightsException {
        this.config = config;
        this.hyper = hyper;
        this.manager = manager;
        NamedWeights named = new NamedWeights(weights, manager);
        this.graph = new TiTokGraph(config, named);
        named.requireAllTaken(java.util.Set.of(), "");
        this.params = named.arrays();
        for (NDArray p : params.values()) {
            p.setRequiresGradient(true);
        }
        this.adam = new Adam(new Adam.Settings(hyper.learningRate(), hyper.beta1(), hyper.beta2(), hyper.eps()),
                params, manager, moments);
        this.guard = new StepGuard(hyper.guard());
        this.usage = new long[config.codebookSize()];
        this.step = step;
    }

    /** A fresh model with the reference initialisation. */
    public static TiTokTrainer create(TiTokConfig config, Hyper hyper, Device device) throws IOException {
        Path init = Files.createTempFile("titok-init", ".safetensors");
        try {
            SplittableRandom random = new SplittableRandom(hyper.seed());
            SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
            for (Map.Entry<String, long[]> e : TiTokRandomCheckpoint.tensorShapes(config).entrySet()) {
                writer.add(e.getKey(), e.getValue(), initialValues(e.getKey(), e.getValue(), random));
            }
            writer.write(init);
            try (SafetensorsFile file = SafetensorsFile.open(init)) {
                return open(config, hyper, device, file, null, 0);
            }
        } finally {
            Files.deleteIfExists(init);
        }
    }

    /** Continues from a folder written by {@link #saveCheckpoint}. */
    public static TiTokTrainer resume(Path checkpoint, Hyper hyper, Device device) throws IOException {
        JsonNode state = JSON.readTree(Files.readString(checkpoint.resolve("trainer.json")));
        long step = state.path("step").asLong();
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint.resolve("model.safetensors"));
             SafetensorsFile moments = SafetensorsFile.open(checkpoint.resolve("optimizer.safetensors"))) {
            TiTokConfig config = TiTokConfig.read(checkpoint.resolve("config.json"), file);
            TiTokTrainer trainer = open(config, hyper, device, file, moments, step);
            JsonNode counts = state.path("codebook_usage");
            for (int i = 0; i < trainer.usage.length && i < counts.size(); i++) {
                trainer.usage[i] = counts.get(i).asLong();
            }
            return trainer;
        }
    }

    private static TiTokTrainer open(TiTokConfig config, Hyper hyper, Device device, SafetensorsFile weights,
                                     SafetensorsFile moments, long step) throws IOException {
        NDManager manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            return new TiTokTrainer(config, hyper, manager, weights, moments, step);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * The reference init (TiTok._init_weights): linear, conv and embedding weights truncated
     * normal std 0.02, biases 0, norms 1/0, class/positional embeddings, latent and mask tokens
     * width^-0.5 · randn.
     */
    static float[] initialValues(String name, long[] shape, SplittableRandom random) {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        float[] v = new float[Math.toIntExact(count)];
        boolean norm = name.matches(".*\\.(ln_\\w+|norm\\w*)\\.(weight|bias)");
        if (norm && name.endsWith(".weight")) {
            java.util.Arrays.fill(v, 1f);
            return v;
        }
        if (name.endsWith("bias")) {
            return v;
        }
        boolean embedding = name.endsWith("class_embedding") || name.endsWith("positional_embedding")
                || name.equals("latent_tokens") || name.endsWith("mask_token");
        double std = embedding ? 1 / Math.sqrt(shape[shape.length - 1]) : 0.02;
        for (int i = 0; i < v.length; i++) {
            double g;
            do {
                g = random.nextGaussian();
            } while (!embedding && Math.abs(g) > 2);   // trunc_normal_ cuts at ±2 std
            v[i] = (float) (std * g);
        }
        return v;
    }

    public TiTokConfig config() {
        return config;
    }

    public long step() {
        return step;
    }

    public String device() {
        return manager.getDevice().toString();
    }

    /** One optimisation step on a batch of CHW [0, 1] images, concatenated (a model without text). */
    public StepLoss step(float[] pixels, int batch) {
        return step(pixels, null, batch);
    }

    /**
     * One optimisation step on a batch of CHW [0, 1] images, concatenated, with their caption
     * states ({@code [B, L, D]} concatenated, from the model's {@link dev.tessera.tokenizers.image.CaptionEncoder})
     * for a text-conditioned model, else null.
     */
    public StepLoss step(float[] pixels, float[] captionStates, int batch) {
        int s = config.imageSize();
        try (NDManager call = manager.newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = call.create(pixels, new Shape(batch, 3, s, s));
            NDArray text = textStates(call, captionStates, batch);   // an encoder without a text branch ignores it
            float total;
            float reconstruction;
            float quantizer;
            NDArray ids;
            NDArray latents;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                TiTokGraph.Quantized q = graph.quantize(graph.encode(x, text));
                NDArray rec = graph.decode(q.straightThrough(), text).sub(x).square().mean();
                NDArray codebookLoss = q.zq().sub(q.z().stopGradient()).square().mean();
                NDArray commitment = q.z().sub(q.zq().stopGradient()).square().mean().mul(hyper.commitmentCost());
                NDArray quant = codebookLoss.add(commitment);
                NDArray loss = rec.add(quant);
                collector.backward(loss);
                total = loss.getFloat();
                reconstruction = rec.getFloat();
                quantizer = quant.getFloat();
                ids = q.ids();
                latents = q.z().stopGradient();
            }
            step++;
            StepGuard.Verdict verdict = guard.check(step, total, params.values());
            if (!verdict.accepted()) {
                return new StepLoss(total, reconstruction, quantizer, 0, verdict);
            }
            adam.update(step);
            for (long id : ids.toLongArray()) {
                usage[(int) id]++;
            }
            int replaced = 0;
            if (hyper.reinitEvery() > 0 && step % hyper.reinitEvery() == 0) {
                replaced = reinitDeadCodes(call, latents);
            }
            return new StepLoss(total, reconstruction, quantizer, replaced, verdict);
        }
    }

    private NDArray textStates(NDManager call, float[] captionStates, int batch) {
        if (!config.textConditioned()) {
            if (captionStates != null) {
                throw new IllegalArgumentException("this model has no text branch; train it without captions");
            }
            return null;
        }
        TiTokConfig.TextBranch t = config.text();
        if (captionStates == null || captionStates.length != batch * t.contextLength() * t.embedDim()) {
            throw new IllegalArgumentException("a text-conditioned model needs " + t.contextLength() + " × "
                    + t.embedDim() + " caption states per image");
        }
        return call.create(captionStates, new Shape(batch, t.contextLength(), t.embedDim()));
    }

    /** Rows unused since the last check become random latents of this batch; their moments restart. */
    private int reinitDeadCodes(NDManager call, NDArray latents) {
        int k = config.codebookSize();
        int c = config.tokenSize();
        float[] keep = new float[k];
        float[] replacement = new float[k * c];
        float[] z = latents.toFloatArray();
        int rows = z.length / c;
        SplittableRandom random = new SplittableRandom(hyper.seed() * 1_000_003L + step);
        int dead = 0;
        for (int i = 0; i < k; i++) {
            if (usage[i] > 0) {
                keep[i] = 1;
            } else {
                System.arraycopy(z, random.nextInt(rows) * c, replacement, i * c, c);
                dead++;
            }
            usage[i] = 0;
        }
        if (dead > 0) {
            NDArray keepMask = call.create(keep, new Shape(k, 1));
            params.get(CODEBOOK).muli(keepMask).addi(call.create(replacement, new Shape(k, c)));
            adam.scaleMoments(CODEBOOK, keepMask);
        }
        return dead;
    }

    /** Token ids of CHW [0, 1] images with the current weights, the computation of TiTokTokenizer.tokenize. */
    public int[][] tokenize(List<float[]> images) {
        return tokenize(images, null);
    }

    /** As {@link #tokenize(List)}, with caption states [B, L, D] concatenated for a TexTok-mode encoder. */
    public int[][] tokenize(List<float[]> images, float[] captionStates) {
        int s = config.imageSize();
        int per = 3 * s * s;
        float[] all = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, all, i * per, per);
        }
        try (NDManager call = manager.newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = call.create(all, new Shape(images.size(), 3, s, s));
            NDArray text = textStates(call, captionStates, images.size());
            long[] flat = graph.indices(graph.encode(x, text)).toLongArray();
            int n = config.numLatentTokens();
            int[][] out = new int[images.size()][n];
            for (int i = 0; i < flat.length; i++) {
                out[i / n][i % n] = Math.toIntExact(flat[i]);
            }
            return out;
        }
    }

    /** Everything a step may change, by name: the weights, the Adam moments and the codebook usage counts (a copy). */
    Map<String, float[]> fullState() {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((name, array) -> out.put(name, array.toFloatArray()));
        out.putAll(adam.moments());
        float[] counts = new float[usage.length];
        for (int i = 0; i < usage.length; i++) {
            counts[i] = usage[i];
        }
        out.put("codebook_usage", counts);
        return out;
    }

    /** {@code dir/config.json} + {@code dir/model.safetensors}: a model folder TiTokTokenizer.load reads. */
    public void saveModel(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), configJson(config));
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt")
                .metadata("note", "single-stage TiTok trained by tessera train titok, step " + step);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            writer.add(e.getKey(), e.getValue().getShape().getShape(), e.getValue().toFloatArray());
        }
        writer.write(dir.resolve("model.safetensors"));
    }

    /**
     * The model folder plus {@code optimizer.safetensors} (Adam moments {@code m.NAME},
     * {@code v.NAME}) and {@code trainer.json} (step, codebook usage since the last dead-code check). Written beside and swapped in, so an
     * interrupted save leaves the previous checkpoint whole.
     */
    public void saveCheckpoint(Path dir) throws IOException {
        CheckpointDirectory.replace(dir, tmp -> {
            saveModel(tmp);
            adam.write(tmp.resolve("optimizer.safetensors"));
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("step", step);
            state.put("learning_rate", hyper.learningRate());
            state.put("seed", hyper.seed());
            state.put("codebook_usage", usage);   // row counts since the last dead-code check
            Files.writeString(tmp.resolve("trainer.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
        });
    }

    /** config.json in the explicit schema TiTokConfig.read accepts (custom sizes have no hub name). */
    public static String configJson(TiTokConfig c) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model_type", c.grid2d() ? "2d-grid vq (titok blocks), trained by tessera"
                : c.textConditioned() ? "textok-mode titok single-stage vq, trained by tessera"
                : "titok single-stage vq, trained by tessera");
        if (c.grid2d()) {
            root.put("token_layout", "grid");
        }
        root.put("image_size", c.imageSize());
        root.put("patch_size", c.encoderPatchSize());
        root.put("num_latent_tokens", c.numLatentTokens());
        root.put("encoder", transformer(c.encoder(), c.encoderPatchSize()));
        root.put("decoder", transformer(c.decoder(), c.decoderPatchSize()));
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("quantize_mode", "vq");
        q.put("codebook_size", c.codebookSize());
        q.put("token_size", c.tokenSize());
        q.put("use_l2_norm", c.useL2Norm());
        root.put("quantizer", q);
        if (c.textConditioned()) {
            root.put("text_encoder", c.text().textEncoder());
            root.put("text_context_length", c.text().contextLength());
            root.put("text_embed_dim", c.text().embedDim());
            root.put("text_in_encoder", c.text().encoder());
        }
        root.put("is_legacy", false);
        root.put("finetune_decoder", false);
        root.put("input_range", "[0,1] float32 RGB, CHW, no mean/std normalisation");
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static Map<String, Object> transformer(TiTokConfig.Transformer t, int patch) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("width", t.width());
        m.put("num_layers", t.layers());
        m.put("num_heads", t.heads());
        m.put("mlp_ratio", (double) t.mlpWidth() / t.width());
        m.put("layer_norm_eps", (double) t.layerNormEps());
        m.put("patch_size", patch);
        return m;
    }

    @Override
    public void close() {
        manager.close();
    }
}
