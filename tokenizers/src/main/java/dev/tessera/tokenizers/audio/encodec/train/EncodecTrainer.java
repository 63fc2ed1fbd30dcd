package dev.tessera.tokenizers.audio.encodec.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.tessera.tokenizers.audio.encodec.EncodecConfig;
import dev.tessera.tokenizers.audio.encodec.EncodecGraph;
import dev.tessera.tokenizers.nn.ScopedStep;
import dev.tessera.tokenizers.nn.train.Adam;
import dev.tessera.tokenizers.nn.train.CheckpointDirectory;
import dev.tessera.tokenizers.nn.train.StepGuard;
import dev.tessera.tokenizers.weights.SafetensorsFile;
import dev.tessera.tokenizers.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Trains an EnCodec (24 kHz family, mono) on DJL's PyTorch engine without the adversarial
 * discriminator: one step runs the inference code ({@link EncodecGraph}: SEANet encoder, the residual
 * quantiser's nearest-row lookup, SEANet decoder) inside a {@link GradientCollector} over the
 * trainable tensors — weight-normalised convs as {@code weight_g} / {@code weight_v}, so g·v/‖v‖ is
 * part of the graph — and {@link Adam} updates them in place.
 *
 * <p>Quantiser, as the official {@code core_vq}: codebooks are not trained by gradients but by
 * exponential moving averages (decay 0.99, Laplace-smoothed cluster sizes, ε 1e-5) of the residuals
 * assigned to each row, and initialised by k-means on encoder outputs (each level on the residual
 * the levels before it leave). The decoder gets the straight-through {@code z + sg(Σq − z)};
 * quantizer dropout: every step uses the codebooks of one target bandwidth, picked at random, so
 * each bandwidth is trained. Dead codes: after the EMA update, rows whose smoothed usage has fallen
 * below {@code deadCodeFraction} of the mean usage (vectors per step / codebook size) are replaced by
 * random residuals of the current batch, their EMA statistics reset to that threshold so the
 * replacement holds (the official code replaces them and then overwrites them with the EMA average).
 *
 * <p>Loss: {@code waveformWeight · |x̂ − x|₁ + melWeight · ℓ_mel(x̂, x) + commitment · Σ_k mse(r_k, sg(q_k))},
 * both reconstruction terms on the segments divided by their own RMS level (x / σ, x̂ / σ, σ ≥ −60
 * dBFS), so quiet and loud segments weigh alike; ℓ_mel the {@link MelLoss}; r_k = z − sg(q_0 + … + q_{k−1})
 * the residual codebook k quantises (so every used level's commitment reaches the encoder) and q_k
 * its chosen rows. No adversarial or feature-matching terms. Deterministic for a seed under one
 * libtorch thread: the batches, bandwidths and dead-code samples of step s depend only on
 * (seed, s), and a checkpoint holds everything else (weights, EMA buffers, Adam moments).
 *
 * <p>Departures from the official recipe that a run of a few thousand steps needs (without them
 * the decoder settles on near-silence and the encoder's output stops depending on its input):
 * variance-preserving conv initialisation with zero biases and a quiet output layer
 * ({@link #initialValues}), the level-normalised losses, a log-mel floor, and torch's Adam betas.
 */
public final class EncodecTrainer implements AutoCloseable {

    /** Optimisation settings; not part of the checkpoint (given again when resuming). */
    public record Hyper(float learningRate, float beta1, float beta2, float eps, float commitment,
                        float waveformWeight, float melWeight, float melFloor, float emaDecay, float deadCodeFraction,
                        int kmeansIterations, StepGuard.Settings guard, long seed) {
        public Hyper {
            if (!(melFloor > 0)) {
                throw new IllegalArgumentException("the log-mel floor must be > 0 (log of zero otherwise), got " + melFloor);
            }
            if (!(emaDecay >= 0 && emaDecay < 1)) {
                throw new IllegalArgumentException("the EMA decay must be in [0, 1), got " + emaDecay);
            }
        }

        /**
         * torch's Adam betas (0.9, 0.999: EnCodec's 0.5, 0.9 are for its GAN), commitment 0.25, both
         * reconstruction terms weight 1, log-mel floor 1e-2, EMA decay 0.99, dead rows under 10 % of
         * the mean usage, 10 k-means iterations, gradients clipped to norm {@link #DEFAULT_CLIP_NORM},
         * a run stopped after {@link #DEFAULT_MAX_REFUSED} refused steps in a row.
         */
        public static Hyper defaults(float learningRate, long seed) {
            return new Hyper(learningRate, 0.9f, 0.999f, 1e-8f, 0.25f, 1f, 1f, 1e-2f, 0.99f, 0.1f, 10,
                    new StepGuard.Settings(DEFAULT_CLIP_NORM, DEFAULT_MAX_REFUSED), seed);
        }

        /** These settings with another step guard. */
        public Hyper withGuard(StepGuard.Settings settings) {
            return new Hyper(learningRate, beta1, beta2, eps, commitment, waveformWeight, melWeight, melFloor, emaDecay,
                    deadCodeFraction, kmeansIterations, settings, seed);
        }
    }

    /** Global gradient norm an update uses at most, by default (0: off). */
    public static final float DEFAULT_CLIP_NORM = 0f;
    /** Refused steps in a row that stop a run, by default. */
    public static final int DEFAULT_MAX_REFUSED = 10;

    /**
     * Losses of one step (before its update), the codebooks it used, the dead rows it replaced and
     * the guard's verdict (gradient norm, clipping; a refused step updated nothing).
     */
    public record StepLoss(float total, float waveform, float mel, float commitment, int codebooks,
                           int deadCodesReplaced, StepGuard.Verdict verdict) {
        /** The reconstruction part: waveform + mel terms as weighted in the total. */
        public float reconstruction() {
            return total - commitment;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final float LAPLACE = 1e-5f;
    /** Start of the decoder's last conv gain relative to weight_norm's init: a quiet first output. */
    static final float OUTPUT_INIT_SCALE = 0.1f;
    /** Smallest segment RMS the losses are normalised by (−60 dBFS). */
    static final float MIN_LEVEL = 1e-3f;

    private final EncodecConfig config;
    private final int levels;
    private final Hyper hyper;
    private final NDManager manager;
    private final Map<String, NDArray> params;                 // trained by Adam
    private final List<NDArray> embeds = new ArrayList<>();      // [K, D] per level, EMA-updated
    private final List<NDArray> clusterSizes = new ArrayList<>();   // [K]
    private final List<NDArray> embedAverages = new ArrayList<>();  // [K, D]
    private final Adam adam;
    private final MelLoss melLoss;
    private final StepGuard guard;
    private boolean inited;
    private long step;

    private EncodecTrainer(EncodecConfig config, int levels, Hyper hyper, NDManager manager,
                           Map<String, float[]> values, SafetensorsFile moments, boolean inited, long step) {
        this.config = config;
        this.levels = levels;
        this.hyper = hyper;
        this.manager = manager;
        Map<String, NDArray> trained = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : EncodecGraph.tensorShapes(config, levels).entrySet()) {
            if (e.getKey().startsWith("quantizer.")) {
                continue;
            }
            NDArray a = manager.create(values.get(e.getKey()), new Shape(e.getValue()));
            a.setRequiresGradient(true);
            trained.put(e.getKey(), a);
        }
        this.params = Collections.unmodifiableMap(trained);
        int k = config.codebookSize();
        int d = config.hiddenSize();
        for (int level = 0; level < levels; level++) {
            String prefix = EncodecGraph.codebookPrefix(level);
            embeds.add(manager.create(values.get(prefix + ".embed"), new Shape(k, d)));
            clusterSizes.add(manager.create(values.get(prefix + ".cluster_size"), new Shape(k)));
            embedAverages.add(manager.create(values.get(prefix + ".embed_avg"), new Shape(k, d)));
        }
        this.adam = new Adam(new Adam.Settings(hyper.learningRate(), hyper.beta1(), hyper.beta2(), hyper.eps()),
                params, manager, moments);
        this.melLoss = new MelLoss(manager, config.samplingRate(), hyper.melFloor());
        this.guard = new StepGuard(hyper.guard());
        this.inited = inited;
        this.step = step;
    }

    /**
     * A fresh model initialised by {@link #initialValues} (the decoder's output conv then scaled to
     * a tenth, so the first output is quiet), codebooks empty until {@link #initCodebooks} or the
     * first step fills them by k-means.
     */
    public static EncodecTrainer create(EncodecConfig config, Hyper hyper, Device device) {
        int levels = levels(config);
        SplittableRandom random = new SplittableRandom(hyper.seed());
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = EncodecGraph.tensorShapes(config, levels);
        for (String name : shapes.keySet()) {
            values.put(name, initialValues(name, shapes, values, random));
        }
        String last = null;   // the decoder's output conv starts at a tenth of its weight
        for (String name : shapes.keySet()) {
            if (name.startsWith("decoder.") && name.endsWith(".weight_g")) {
                last = name;
            }
        }
        float[] gain = values.get(last);
        for (int i = 0; i < gain.length; i++) {
            gain[i] *= OUTPUT_INIT_SCALE;
        }
        addEmptyBuffers(config, levels, values);
        return open(config, levels, hyper, device, values, null, false, 0);
    }

    /** Codebooks for the largest target bandwidth. */
    static int levels(EncodecConfig config) {
        double largest = config.targetBandwidths().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return config.codebooksForBandwidth(largest);
    }

    /** Continues from a folder written by {@link #saveCheckpoint}. */
    public static EncodecTrainer resume(Path checkpoint, Hyper hyper, Device device) throws IOException {
        JsonNode state = JSON.readTree(Files.readString(checkpoint.resolve("trainer.json")));
        EncodecConfig config = EncodecConfig.read(checkpoint.resolve("config.json"));
        int levels = levels(config);
        Map<String, float[]> values = new LinkedHashMap<>();
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint.resolve("model.safetensors"));
             SafetensorsFile moments = SafetensorsFile.open(checkpoint.resolve("optimizer.safetensors"))) {
            for (String name : EncodecGraph.tensorShapes(config, levels).keySet()) {
                values.put(name, file.floats(name));
            }
            for (int level = 0; level < levels; level++) {
                String prefix = EncodecGraph.codebookPrefix(level);
                values.put(prefix + ".cluster_size", file.floats(prefix + ".cluster_size"));
                values.put(prefix + ".embed_avg", file.floats(prefix + ".embed_avg"));
            }
            return open(config, levels, hyper, device, values, moments, state.path("codebooks_initialised").asBoolean(),
                    state.path("step").asLong());
        }
    }

    private static EncodecTrainer open(EncodecConfig config, int levels, Hyper hyper, Device device,
                                       Map<String, float[]> values, SafetensorsFile moments, boolean inited, long step) {
        NDManager manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            return new EncodecTrainer(config, levels, hyper, manager, values, moments, inited, step);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Variance-preserving convs: {@code Conv1d}/{@code ConvTranspose1d} weights uniform
     * ±√(3/fan_in) (variance 1/fan_in; fan_in = dim 1 · kernel of the stored weight), biases zero,
     * {@code weight_g} the row norms of {@code weight_v} (weight_norm's initialisation, so the first
     * weights are v); {@code LSTM} weights and biases uniform ±1/√hidden as torch; codebooks zero
     * (filled by k-means). PyTorch's default conv init (±1/√fan_in, variance 1/(3·fan_in), and
     * random biases) shrinks the signal by √3 per layer, so through the ~15 convs of each SEANet
     * half the input is lost under the biases at the start and a short run does not recover it.
     *
     * @param shapes every tensor's shape; {@code made} the values drawn so far (a conv's
     *               {@code weight_v} comes before its {@code weight_g} and bias)
     */
    static float[] initialValues(String name, Map<String, long[]> shapes, Map<String, float[]> made,
                                 SplittableRandom random) {
        long[] shape = shapes.get(name);
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        float[] v = new float[Math.toIntExact(count)];
        if (name.startsWith("quantizer.")) {
            return v;
        }
        if (name.endsWith(".weight_g")) {
            float[] direction = made.get(name.substring(0, name.length() - 1) + "v");
            int per = direction.length / v.length;
            for (int r = 0; r < v.length; r++) {
                double sq = 0;
                for (int i = 0; i < per; i++) {
                    sq += (double) direction[r * per + i] * direction[r * per + i];
                }
                v[r] = (float) Math.sqrt(sq);
            }
            return v;
        }
        double bound;
        if (name.contains(".lstm.")) {
            bound = 1 / Math.sqrt(shape[0] / 4.0);   // weight_ih/hh [4H, H], biases [4H]: torch's LSTM init
        } else if (name.endsWith(".bias")) {
            return v;                                // conv biases start at zero
        } else {
            bound = Math.sqrt(3 / ((double) shape[1] * shape[2]));   // variance 1 / fan_in
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }

    private static void addEmptyBuffers(EncodecConfig config, int levels, Map<String, float[]> values) {
        int k = config.codebookSize();
        int d = config.hiddenSize();
        for (int level = 0; level < levels; level++) {
            String prefix = EncodecGraph.codebookPrefix(level);
            values.put(prefix + ".cluster_size", new float[k]);
            values.put(prefix + ".embed_avg", new float[k * d]);
        }
    }

    public EncodecConfig config() {
        return config;
    }

    /** Codebooks in the model (those of the largest target bandwidth). */
    public int levels() {
        return levels;
    }

    public long step() {
        return step;
    }

    public String device() {
        return manager.getDevice().toString();
    }

    public boolean codebooksInitialised() {
        return inited;
    }

    /** Elements of the tensors the model file holds (weights, biases, LSTMs, codebooks). */
    public long parameterCount() {
        long n = 0;
        for (NDArray p : params.values()) {
            n += p.size();
        }
        for (NDArray e : embeds) {
            n += e.size();
        }
        return n;
    }

    /** The codebook count of each target bandwidth, in the config's order (e.g. 2, 4, 8). */
    public int[] codebookChoices() {
        return config.targetBandwidths().stream().mapToInt(config::codebooksForBandwidth).toArray();
    }

    /** Every trainable array and codebook, by tensor name. */
    private Map<String, NDArray> allTensors() {
        Map<String, NDArray> all = new LinkedHashMap<>(params);
        for (int level = 0; level < levels; level++) {
            all.put(EncodecGraph.codebookPrefix(level) + ".embed", embeds.get(level));
        }
        return all;
    }

    /**
     * Fills the codebooks by k-means ({@code kmeansIterations} Lloyd iterations from random rows,
     * as the official {@code kmeans}) on the encoder outputs of {@code segments} clips of audio,
     * concatenated: level 0 on the latents, each next level on what the levels before leave. The
     * EMA statistics start consistent with the result, cluster sizes scaled to
     * {@code vectorsPerStep} (latent vectors in one training batch).
     */
    public void initCodebooks(float[] audio, int segments, int vectorsPerStep) {
        int length = audio.length / segments;
        int k = config.codebookSize();
        int d = config.hiddenSize();
        try (NDManager call = manager.newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            EncodecGraph graph = new EncodecGraph(config, allTensors(), levels);
            List<NDArray> parts = new ArrayList<>();
            for (int from = 0; from < segments; from += 16) {
                int n = Math.min(16, segments - from);
                float[] chunk = java.util.Arrays.copyOfRange(audio, from * length, (from + n) * length);
                parts.add(ScopedStep.run(() -> graph.encode(call.create(chunk, new Shape(n, 1, length)))
                        .transpose(0, 2, 1).reshape(-1, d)));
            }
            NDArray residual = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(parts), 0);
            if (!residual.isInfinite().logicalOr(residual.isNaN()).none().getBoolean()) {
                throw new IllegalArgumentException("the encoder outputs of the k-means batch are not finite;"
                        + " the codebooks are left empty");
            }
            long vectors = residual.getShape().get(0);
            SplittableRandom random = new SplittableRandom(mix(hyper.seed(), -1, 0));
            for (int level = 0; level < levels; level++) {
                NDArray data = residual;
                int current = level;
                residual = ScopedStep.run(() -> {
                    NDArray[] result = kmeans(data, k, hyper.kmeansIterations(), random);
                    NDArray means = result[0];
                    NDArray cluster = result[1].mul((float) vectorsPerStep / vectors);
                    embeds.get(current).muli(0).addi(means);
                    clusterSizes.get(current).muli(0).addi(cluster);
                    embedAverages.get(current).muli(0).addi(means.mul(cluster.expandDims(1)));
                    return data.sub(means.get(result[2]));
                });
            }
        }
        inited = true;
    }

    /** Lloyd's k-means as the official {@code kmeans}: {means [K, D], bins [K], last assignment [N]}. */
    private static NDArray[] kmeans(NDArray data, int clusters, int iterations, SplittableRandom random) {
        int n = Math.toIntExact(data.getShape().get(0));
        long[] pick = new long[clusters];
        if (n >= clusters) {   // torch.randperm(n)[:K]
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            for (int i = 0; i < clusters; i++) {
                int j = i + random.nextInt(n - i);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
                pick[i] = perm[i];
            }
        } else {
            for (int i = 0; i < clusters; i++) {
                pick[i] = random.nextInt(n);
            }
        }
        NDArray means = data.get(data.getManager().create(pick));
        NDArray bins = null;
        NDArray assignment = null;
        for (int it = 0; it < Math.max(1, iterations); it++) {
            NDArray previous = means;
            // One Lloyd iteration in its own scope: only the new means [K, D] and bins [K] stay.
            NDArray packed = ScopedStep.run(() -> {
                NDArray onehot = nearest(data, previous).oneHot(clusters);   // [N, K]
                NDArray counts = onehot.sum(new int[] {0});
                NDArray updated = onehot.transpose().matMul(data).div(counts.maximum(1f).expandDims(1));
                NDArray empty = counts.eq(0).toType(DataType.FLOAT32, false).expandDims(1);   // empty clusters keep their mean
                NDArray next = previous.mul(empty).add(updated.mul(empty.neg().add(1)));
                return ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(next, counts.expandDims(1)), 1);
            });
            long width = data.getShape().get(1);
            means = packed.get(":, :" + width);
            bins = packed.get(":, " + width);
        }
        assignment = nearest(data, means);
        return new NDArray[] {means, bins, assignment};
    }

    /** Nearest row of {@code means} [K, D] for each row of {@code data} [N, D], as the codebook lookup. */
    private static NDArray nearest(NDArray data, NDArray means) {
        NDArray t = means.transpose();
        return data.square().sum(new int[] {1}, true).sub(data.mul(2).matMul(t))
                .add(t.square().sum(new int[] {0}, true)).neg().argMax(1);
    }

    /**
     * One optimisation step on {@code batch} segments of mono audio, concatenated (each a multiple
     * of the hop long), quantised with the first {@code codebooks} codebooks. Fills the codebooks by
     * k-means on this batch first when nothing did before.
     */
    public StepLoss step(float[] audio, int batch, int codebooks) {
        if (codebooks < 1 || codebooks > levels) {
            throw new IllegalArgumentException("codebooks must be in [1, " + levels + "], got " + codebooks);
        }
        int length = audio.length / batch;
        int hop = config.hopLength();
        if (length * batch != audio.length || length % hop != 0 || length < 2048) {
            throw new IllegalArgumentException("segments must be equally long, a multiple of " + hop
                    + " samples and at least 2048");
        }
        int frames = length / hop;
        if (!inited) {
            initCodebooks(audio, batch, batch * frames);
        }
        int d = config.hiddenSize();
        try (NDManager call = manager.newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = call.create(audio, new Shape(batch, 1, length));
            List<NDArray> inputs = new ArrayList<>(codebooks);
            List<NDArray> chosen = new ArrayList<>(codebooks);
            float total;
            float waveform;
            float mel;
            float commitment;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                EncodecGraph graph = new EncodecGraph(config, allTensors(), levels);
                NDArray z = graph.encode(x).transpose(0, 2, 1).reshape(batch * frames, d);
                NDArray residual = z.stopGradient();
                NDArray sum = null;          // Σ q_k so far (constant)
                NDArray commit = null;
                for (int k = 0; k < codebooks; k++) {
                    NDArray index = graph.nearest(residual, k);
                    NDArray q = embeds.get(k).get(index);
                    NDArray r = sum == null ? z : z.sub(sum);
                    NDArray c = r.sub(q).square().mean();
                    commit = commit == null ? c : commit.add(c);
                    inputs.add(residual);
                    chosen.add(index);
                    residual = residual.sub(q);
                    sum = sum == null ? q : sum.add(q);
                }
                NDArray zq = z.add(sum.sub(z).stopGradient()).reshape(batch, frames, d).transpose(0, 2, 1);
                NDArray y = graph.decode(zq);
                NDArray level = level(x);
                NDArray xs = x.div(level);
                NDArray ys = y.div(level);
                NDArray wave = ys.sub(xs).abs().mean();
                NDArray spectral = melLoss.apply(xs.reshape(batch, length), ys.reshape(batch, length));
                NDArray loss = wave.mul(hyper.waveformWeight()).add(spectral.mul(hyper.melWeight()))
                        .add(commit.mul(hyper.commitment()));
                collector.backward(loss);
                total = loss.getFloat();
                waveform = wave.getFloat();
                mel = spectral.getFloat();
                commitment = commit.getFloat() * hyper.commitment();
            }
            step++;
            StepGuard.Verdict verdict = guard.check(step, total, params.values());
            if (!verdict.accepted()) {
                return new StepLoss(total, waveform, mel, commitment, codebooks, 0, verdict);
            }
            adam.update(step);
            int replaced = 0;
            for (int k = 0; k < codebooks; k++) {
                replaced += updateCodebook(call, k, inputs.get(k), chosen.get(k), batch * frames);
            }
            return new StepLoss(total, waveform, mel, commitment, codebooks, replaced, verdict);
        }
    }

    /**
     * The official EMA update of codebook {@code level} from the residuals it quantised and the
     * rows it picked, then the dead-code replacement; returns the rows replaced.
     */
    private int updateCodebook(NDManager call, int level, NDArray residual, NDArray index, int vectors) {
        int k = config.codebookSize();
        int d = config.hiddenSize();
        float decay = hyper.emaDecay();
        NDArray onehot = index.oneHot(k);                      // [N, K]
        NDArray clusterSize = clusterSizes.get(level);
        NDArray embedAvg = embedAverages.get(level);
        NDArray embed = embeds.get(level);
        clusterSize.muli(decay).addi(onehot.sum(new int[] {0}).mul(1 - decay));
        embedAvg.muli(decay).addi(onehot.transpose().matMul(residual).mul(1 - decay));
        NDArray n = clusterSize.sum();
        // laplace_smoothing · n, kept ≥ ε so a level whose sizes have all decayed to 0 divides by ε, not by 0
        NDArray smoothed = clusterSize.add(LAPLACE).div(n.add(k * LAPLACE)).mul(n).maximum(LAPLACE);
        embed.muli(0).addi(embedAvg.div(smoothed.expandDims(1)));

        float threshold = hyper.deadCodeFraction() * vectors / k;
        float[] sizes = clusterSize.toFloatArray();
        float[] keep = new float[k];
        int dead = 0;
        for (int i = 0; i < k; i++) {
            if (sizes[i] >= threshold) {
                keep[i] = 1;
            } else {
                dead++;
            }
        }
        if (dead == 0 || threshold <= 0) {
            return 0;
        }
        float[] r = residual.toFloatArray();
        int rows = r.length / d;
        float[] replacement = new float[k * d];
        SplittableRandom random = new SplittableRandom(mix(hyper.seed(), step, level));
        for (int i = 0; i < k; i++) {
            if (keep[i] == 0) {
                System.arraycopy(r, random.nextInt(rows) * d, replacement, i * d, d);
            }
        }
        NDArray keepRows = call.create(keep, new Shape(k, 1));
        NDArray fresh = call.create(replacement, new Shape(k, d));
        NDArray keepSizes = call.create(keep, new Shape(k));
        embed.muli(keepRows).addi(fresh);
        embedAvg.muli(keepRows).addi(fresh.mul(threshold));
        clusterSize.muli(keepSizes).addi(keepSizes.neg().add(1).mul(threshold));
        return dead;
    }

    /**
     * Each segment's RMS, [B, 1, 1], at least {@link #MIN_LEVEL}: the losses compare x / level and
     * x̂ / level. The floor is taken before the root, so a silent segment never meets √0 (whose
     * derivative is infinite).
     */
    private static NDArray level(NDArray x) {
        return x.square().mean(new int[] {2}, true).maximum(MIN_LEVEL * MIN_LEVEL).sqrt();
    }

    /** A seed for (run seed, step, stream), well mixed. */
    static long mix(long seed, long step, long stream) {
        long h = seed * 0x9E3779B97F4A7C15L + step * 0xC2B2AE3D27D4EB4FL + stream * 0x165667B19E3779F9L;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return h;
    }

    /**
     * Reconstruction quality of a batch at one bandwidth: the two loss terms as in training (on
     * x / level, x̂ / level), Σx² and Σ(x̂ − x)² (for the SNR).
     */
    public record Quality(double waveform, double mel, double signal, double error) {
        public double snrDb() {
            return 10 * Math.log10(signal / Math.max(error, 1e-20));
        }
    }

    /** Encodes, quantises with {@code codebooks} codebooks and decodes a batch with the current weights (no update). */
    public Quality evaluate(float[] audio, int batch, int codebooks) {
        try (NDManager call = manager.newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            int length = audio.length / batch;
            NDArray x = call.create(audio, new Shape(batch, 1, length));
            NDArray y = reconstruct(x, codebooks);
            double error = y.sub(x).square().sum().getFloat();
            double energy = x.square().sum().getFloat();
            NDArray level = level(x);
            NDArray xs = x.div(level).reshape(batch, length);
            NDArray ys = y.div(level).reshape(batch, length);
            return new Quality(ys.sub(xs).abs().mean().getFloat(), melLoss.apply(xs, ys).getFloat(), energy, error);
        }
    }

    /** The decoded audio of {@link #evaluate}, [batch · length] (each segment a multiple of the hop). */
    public float[] reconstruct(float[] audio, int batch, int codebooks) {
        try (NDManager call = manager.newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return reconstruct(call.create(audio, new Shape(batch, 1, audio.length / batch)), codebooks).toFloatArray();
        }
    }

    private NDArray reconstruct(NDArray x, int codebooks) {
        Quantised q = quantise(x, codebooks);
        return q.graph().decode(q.sum().reshape(q.batch(), q.frames(), config.hiddenSize()).transpose(0, 2, 1));
    }

    /**
     * The codes {@code codebooks} codebooks give each of {@code batch} segments, [segment][codebook][frame]:
     * what a model loaded from {@link #saveModel} encodes them to.
     */
    public int[][][] codes(float[] audio, int batch, int codebooks) {
        try (NDManager call = manager.newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Quantised q = quantise(call.create(audio, new Shape(batch, 1, audio.length / batch)), codebooks);
            int[][][] out = new int[batch][codebooks][q.frames()];
            for (int k = 0; k < codebooks; k++) {
                long[] ids = q.indices().get(k).toLongArray();
                for (int i = 0; i < ids.length; i++) {
                    out[i / q.frames()][k][i % q.frames()] = Math.toIntExact(ids[i]);
                }
            }
            return out;
        }
    }

    /** Audio [B, 1, L] through the encoder and the first {@code codebooks} codebooks: each level's rows, [B·T], and their sum. */
    private record Quantised(EncodecGraph graph, int batch, int frames, List<NDArray> indices, NDArray sum) {}

    private Quantised quantise(NDArray x, int codebooks) {
        if (codebooks < 1 || codebooks > levels) {
            throw new IllegalArgumentException("codebooks must be in [1, " + levels + "], got " + codebooks);
        }
        int batch = Math.toIntExact(x.getShape().get(0));
        int frames = Math.toIntExact(x.getShape().get(2) / config.hopLength());
        EncodecGraph graph = new EncodecGraph(config, allTensors(), levels);
        NDArray residual = graph.encode(x).transpose(0, 2, 1).reshape(batch * frames, config.hiddenSize());
        List<NDArray> indices = new ArrayList<>(codebooks);
        NDArray sum = null;
        for (int k = 0; k < codebooks; k++) {
            NDArray index = graph.nearest(residual, k);
            NDArray rows = embeds.get(k).get(index);
            indices.add(index);
            residual = residual.sub(rows);
            sum = sum == null ? rows : sum.add(rows);
        }
        return new Quantised(graph, batch, frames, indices, sum);
    }

    /** The current values of every trained tensor and codebook, by tensor name (a copy). */
    Map<String, float[]> snapshot() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : allTensors().entrySet()) {
            out.put(e.getKey(), e.getValue().toFloatArray());
        }
        return out;
    }

    /** {@link #snapshot} plus everything else a step may change: the codebooks' EMA buffers and the Adam moments. */
    Map<String, float[]> fullState() {
        Map<String, float[]> out = snapshot();
        for (int level = 0; level < levels; level++) {
            String prefix = EncodecGraph.codebookPrefix(level);
            out.put(prefix + ".cluster_size", clusterSizes.get(level).toFloatArray());
            out.put(prefix + ".embed_avg", embedAverages.get(level).toFloatArray());
        }
        out.putAll(adam.moments());
        return out;
    }

    /**
     * {@code dir/config.json}, {@code preprocessor_config.json} and {@code model.safetensors}
     * (transformers' names, weight_g/weight_v kept; the codebooks' EMA buffers left out): a hub
     * folder {@link dev.tessera.tokenizers.audio.encodec.EncodecModel#load} reads.
     */
    public void saveModel(Path dir) throws IOException {
        Files.createDirectories(dir);
        writeConfigs(dir);
        writeWeights(dir.resolve("model.safetensors"), false);
    }

    /**
     * The model folder with the codebooks' EMA buffers ({@code cluster_size}, {@code embed_avg},
     * {@code inited}, as the official state_dict) in {@code model.safetensors}, plus
     * {@code optimizer.safetensors} (Adam moments) and {@code trainer.json} (step, whether the
     * codebooks are initialised). Written beside and swapped in.
     */
    public void saveCheckpoint(Path dir) throws IOException {
        CheckpointDirectory.replace(dir, tmp -> {
            writeConfigs(tmp);
            writeWeights(tmp.resolve("model.safetensors"), true);
            adam.write(tmp.resolve("optimizer.safetensors"));
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("step", step);
            state.put("learning_rate", hyper.learningRate());
            state.put("seed", hyper.seed());
            state.put("codebooks_initialised", inited);
            Files.writeString(tmp.resolve("trainer.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
        });
    }

    private void writeConfigs(Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), configJson(config));
        Files.writeString(dir.resolve("preprocessor_config.json"), preprocessorJson(config));
    }

    private void writeWeights(Path file, boolean buffers) throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt")
                .metadata("note", "EnCodec trained by tessera train encodec, step " + step);
        int k = config.codebookSize();
        int d = config.hiddenSize();
        Map<String, NDArray> all = allTensors();
        for (String name : EncodecGraph.tensorShapes(config, levels).keySet()) {
            NDArray a = all.get(name);
            writer.add(name, a.getShape().getShape(), a.toFloatArray());
            if (buffers && name.endsWith(".codebook.embed")) {
                int level = Integer.parseInt(name.split("\\.")[2]);
                String prefix = EncodecGraph.codebookPrefix(level);
                writer.add(prefix + ".inited", new long[] {1}, new float[] {inited ? 1f : 0f});
                writer.add(prefix + ".cluster_size", new long[] {k}, clusterSizes.get(level).toFloatArray());
                writer.add(prefix + ".embed_avg", new long[] {k, d}, embedAverages.get(level).toFloatArray());
            }
        }
        writer.write(file);
    }

    /** transformers' {@code EncodecConfig} as {@code config.json}. */
    public static String configJson(EncodecConfig c) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("architectures", List.of("EncodecModel"));
        root.put("model_type", "encodec");
        root.put("target_bandwidths", c.targetBandwidths());
        root.put("sampling_rate", c.samplingRate());
        root.put("audio_channels", c.audioChannels());
        root.put("normalize", c.normalize());
        root.put("chunk_length_s", c.chunkLengthS());
        root.put("overlap", c.overlap());
        root.put("hidden_size", c.hiddenSize());
        root.put("num_filters", c.numFilters());
        root.put("num_residual_layers", c.numResidualLayers());
        root.put("upsampling_ratios", c.upsamplingRatios());
        root.put("norm_type", c.normType());
        root.put("kernel_size", c.kernelSize());
        root.put("last_kernel_size", c.lastKernelSize());
        root.put("residual_kernel_size", c.residualKernelSize());
        root.put("dilation_growth_rate", c.dilationGrowthRate());
        root.put("use_causal_conv", c.useCausalConv());
        root.put("pad_mode", c.padMode());
        root.put("compress", c.compress());
        root.put("num_lstm_layers", c.numLstmLayers());
        root.put("trim_right_ratio", c.trimRightRatio());
        root.put("codebook_size", c.codebookSize());
        root.put("codebook_dim", c.codebookDim());
        root.put("use_conv_shortcut", c.useConvShortcut());
        root.put("torch_dtype", "float32");
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    /** The hub's {@code EncodecFeatureExtractor} settings for a mono model at the config's rate. */
    static String preprocessorJson(EncodecConfig c) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("chunk_length_s", null);
        root.put("feature_extractor_type", "EncodecFeatureExtractor");
        root.put("feature_size", c.audioChannels());
        root.put("overlap", null);
        root.put("padding_side", "right");
        root.put("padding_value", 0.0);
        root.put("return_attention_mask", true);
        root.put("sampling_rate", c.samplingRate());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    /**
     * A 24 kHz mono EnCodec of the official topology (strides 2, 4, 5, 8 → hop 320, 75 Hz; causal
     * weight-normalised convs, reflect padding, one residual block per stage, conv shortcuts) at
     * the given widths.
     */
    public static EncodecConfig smallConfig(int filters, int hidden, int lstmLayers, int codebookSize,
                                            List<Double> bandwidths) {
        EncodecConfig d = EncodecConfig.defaults24k();
        return new EncodecConfig(d.samplingRate(), 1, false, null, null, hidden, filters, d.numResidualLayers(),
                d.upsamplingRatios(), d.normType(), d.kernelSize(), d.lastKernelSize(), d.residualKernelSize(),
                d.dilationGrowthRate(), d.useCausalConv(), d.padMode(), d.compress(), lstmLayers, d.trimRightRatio(),
                codebookSize, hidden, bandwidths, d.useConvShortcut());
    }

    @Override
    public void close() {
        manager.close();
    }
}
