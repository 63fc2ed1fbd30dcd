package dev.tessera.tokenizers.audio.encodec;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.tessera.tokenizers.nn.Devices;
import dev.tessera.tokenizers.weights.MalformedWeightsException;
import dev.tessera.tokenizers.weights.WeightsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * EnCodec (24 kHz family: causal SEANet encoder/decoder with weight-normalised convolutions and an
 * LSTM, residual vector quantiser; facebookresearch/encodec, {@code facebook/encodec_24khz}) on
 * DJL NDArray ops with the PyTorch engine, loaded from a hub folder ({@code config.json} +
 * {@code model.safetensors}) under transformers' tensor names or the original package's.
 *
 * <p>Codes are {@code codes[q][t]}: one row per codebook, in the official {@code encode} order.
 * Audio is mono float samples at {@link #sampleRate()}, without normalisation (as the official
 * 24 kHz model: {@code normalize = False}, no segmenting). {@link #decode} returns
 * {@code frames · hop} samples; a caller that knows the original length trims to it (the official
 * {@code forward} does).
 *
 * <p>Long inputs run in windows of {@link #defaultWindowFrames()} frames: each window gets enough
 * real left context for the causal convolutions' receptive field (that context's outputs are
 * dropped) and the LSTM state (h, c) of the previous window, so windowed results equal the one-pass
 * ones — codes identical, waveform up to float rounding. {@link #encodeStream} / {@link #decodeStream}
 * expose the same machinery incrementally. Thread-safe for concurrent calls; streams are not.
 */
public final class EncodecModel implements AutoCloseable {

    /** Window length of {@link #encode(float[], int)} and {@link #decode(int[][])}. */
    public static final double DEFAULT_WINDOW_SECONDS = 5.0;

    private final String name;
    private final EncodecConfig config;
    private final NDManager manager;
    private final Seanet encoder;
    private final Seanet decoder;
    private final ResidualVectorQuantizer quantizer;
    private final long parameterCount;
    private final EncodecWeights.Layout layout;
    private final int encoderFirstFrames;
    private final int decoderFirstFrames;
    private final boolean streamable;
    private volatile boolean closed;

    private EncodecModel(String name, EncodecConfig config, NDManager manager, EncodecWeights weights) {
        this.name = name;
        this.config = config;
        this.manager = manager;
        this.layout = weights.layout();
        int levels = weights.countCodebooks();
        if (levels == 0) {
            throw weights.problem("holds no codebook (" + weights.codebook(0) + ".embed)");
        }
        double largest = config.targetBandwidths().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        if (config.codebooksForBandwidth(largest) > levels) {
            throw weights.problem("config.json's largest bandwidth " + largest + " kbps needs "
                    + config.codebooksForBandwidth(largest) + " codebooks but the weights hold " + levels);
        }
        this.encoder = Seanet.encoder(config, weights, manager);
        this.quantizer = new ResidualVectorQuantizer(weights, manager, levels, config.codebookSize(), config.hiddenSize());
        this.decoder = Seanet.decoder(config, weights, manager);
        weights.requireAllTaken(weights.ignorableBuffers(levels));
        this.parameterCount = weights.parameterCount();
        this.encoderFirstFrames = Math.max(encoder.pre().minFrames(), Math.max(encoder.pre().contextFrames(),
                Math.max(encoder.post().minFrames(), encoder.post().contextFrames())));
        this.decoderFirstFrames = Math.max(decoder.pre().minFrames(), Math.max(decoder.pre().contextFrames(),
                Math.max(decoder.post().minFrames(), decoder.post().contextFrames())));
        // Windows equal the one-pass result only for causal convs whose transposed convs trim on the right.
        this.streamable = config.useCausalConv() && config.upsamplingRatios().stream()
                .allMatch(s -> (int) Math.ceil(s * config.trimRightRatio()) == s);
    }

    /**
     * Loads {@code modelDir/config.json} and the folder's weights ({@code model.safetensors}, or a
     * {@code torch.save} state dict as {@link WeightsFile#FILE_NAMES} lists); a hub
     * {@code preprocessor_config.json} beside them, if any, must agree on rate and channels.
     *
     * @param device "auto" (CUDA when PyTorch sees a GPU, else CPU), "cpu", "gpu" or "gpu:N"
     * @throws IllegalArgumentException when a file is missing, malformed, or does not describe an
     *                                  EnCodec model this port runs; the message names the file
     */
    public static EncodecModel load(Path modelDir, String device) throws IOException {
        Path preprocessor = modelDir.resolve("preprocessor_config.json");
        EncodecModel model = load(modelDir.resolve("config.json"), WeightsFile.find(modelDir).orElse(modelDir.resolve("model.safetensors")),
                device);
        try {
            if (Files.isRegularFile(preprocessor)) {
                EncodecConfig.checkPreprocessor(preprocessor, model.config());
            }
            return model;
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** As {@link #load(Path, String)} with the two files named (e.g. original-names weights beside a hub config). */
    public static EncodecModel load(Path configFile, Path weightsFile, String device) throws IOException {
        if (!Files.isRegularFile(weightsFile)) {
            Path dir = weightsFile.toAbsolutePath().getParent();
            String hint = dir != null && hasTorchHubFile(dir)
                    ? " (a torch hub checkpoint is there: name it model.pt to have it read)" : "";
            throw new IllegalArgumentException(weightsFile + ": no EnCodec weights (one of "
                    + String.join(", ", WeightsFile.FILE_NAMES) + ")" + hint);
        }
        if (!Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException(configFile + ": no EnCodec config.json");
        }
        EncodecConfig config = EncodecConfig.read(configFile);
        Device target = Devices.choose(device);
        WeightsFile file;
        try {
            file = WeightsFile.open(weightsFile);
        } catch (MalformedWeightsException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        try (file) {
            NDManager manager = NDManager.newBaseManager(target, "PyTorch");
            try {
                Path dir = weightsFile.toAbsolutePath().getParent();
                String name = dir == null || dir.getFileName() == null ? "encodec" : dir.getFileName().toString();
                return new EncodecModel(name, config, manager, new EncodecWeights(file, manager));
            } catch (RuntimeException e) {
                manager.close();
                throw e;
            }
        }
    }

    private static boolean hasTorchHubFile(Path dir) {
        try (var files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".th"));
        } catch (IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- description

    public String name() {
        return name;
    }

    public EncodecConfig config() {
        return config;
    }

    public int sampleRate() {
        return config.samplingRate();
    }

    /** Samples per frame (320). */
    public int hopLength() {
        return config.hopLength();
    }

    /** Frames per second (75.0). */
    public double frameRate() {
        return config.frameRate();
    }

    public int codebookSize() {
        return quantizer.codebookSize();
    }

    /** Codebooks stored in the weights: the most {@link #encode} can use. */
    public int maxCodebooks() {
        return quantizer.levels();
    }

    /** The bandwidths (kbps) the model was trained for, from config.json. */
    public List<Double> targetBandwidths() {
        return config.targetBandwidths();
    }

    /**
     * Codebooks for one of the {@link #targetBandwidths()} (kbps), as the official
     * {@code get_num_quantizers_for_bandwidth}: floor(kbps·1000 / (log2(codebook size) · frame rate)).
     *
     * @throws IllegalArgumentException for a bandwidth the model was not trained for
     */
    public int numCodebooks(double kbps) {
        boolean known = config.targetBandwidths().stream().anyMatch(b -> Math.abs(b - kbps) < 1e-9);
        if (!known) {
            throw new IllegalArgumentException("model " + name + " supports bandwidths " + config.targetBandwidths()
                    + " kbps, not " + kbps);
        }
        return Math.min(config.codebooksForBandwidth(kbps), maxCodebooks());
    }

    /** transformers' default when no bandwidth is given: the smallest target bandwidth. */
    public double defaultBandwidth() {
        return config.targetBandwidths().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    public long parameterCount() {
        return parameterCount;
    }

    public String device() {
        return manager.getDevice().toString();
    }

    /** "transformers" or "original": the tensor names the weights were stored under. */
    public String weightLayout() {
        return layout == EncodecWeights.Layout.TRANSFORMERS ? "transformers" : "original";
    }

    /** Frames per window of the one-call {@link #encode(float[], int)} / {@link #decode(int[][])}. */
    public int defaultWindowFrames() {
        return Math.max(1, (int) Math.round(DEFAULT_WINDOW_SECONDS * frameRate()));
    }

    /** Whether windows reproduce the one-pass result (causal model with right-side trimming). */
    public boolean streamable() {
        return streamable;
    }

    /** Frames the first window needs so that it is padded exactly as the one-pass run is. */
    public int minFirstWindowFrames() {
        return Math.max(encoderFirstFrames, decoderFirstFrames);
    }

    // ---------------------------------------------------------------- one-call API

    /** Codes [numCodebooks][ceil(samples / hop)] of mono audio, in windows of {@link #defaultWindowFrames()}. */
    public int[][] encode(float[] mono, int numCodebooks) {
        return encode(mono, numCodebooks, defaultWindowFrames());
    }

    /**
     * As {@link #encode(float[], int)} with windows of at most {@code windowFrames} frames
     * (the first at least {@link #minFirstWindowFrames()}); {@code windowFrames ≤ 0} = one pass.
     */
    public int[][] encode(float[] mono, int numCodebooks, int windowFrames) {
        checkCodebooks(numCodebooks);
        EncodeStream stream = new EncodeStream(numCodebooks, windowFrames <= 0 || !streamable ? 0 : windowFrames, null);
        CodeBuilder out = new CodeBuilder(numCodebooks);
        out.add(stream.push(mono));
        out.add(stream.finish());
        return out.build();
    }

    /** Audio [frames · hop] of codes [K][frames] (1 ≤ K ≤ maxCodebooks), in windows of {@link #defaultWindowFrames()}. */
    public float[] decode(int[][] codes) {
        return decode(codes, defaultWindowFrames());
    }

    /** As {@link #decode(int[][])} with windows of at most {@code windowFrames} frames; ≤ 0 = one pass. */
    public float[] decode(int[][] codes, int windowFrames) {
        DecodeStream stream = new DecodeStream(windowFrames <= 0 || !streamable ? 0 : windowFrames, null);
        float[] head = stream.push(codes);
        float[] tail = stream.finish();
        return concat(head, tail);
    }

    /** Encoder output before quantisation, [hidden, frames] channel-major, in one pass. */
    public float[] encoderOutput(float[] mono) {
        return encodeTrace(mono, 1).get("encoder_out");
    }

    /** The decoder input for codes: Σ_k embed_k[codes_k], [hidden, frames] channel-major. */
    public float[] quantizedEmbedding(int[][] codes) {
        int frames = checkCodes(codes, 0);
        if (frames == 0) {
            return new float[0];
        }
        return run(call -> quantizer.decode(codesArray(call, codes, 0, frames)).toFloatArray());
    }

    /**
     * Intermediates of one pass, channel-major: {@code encoder_lstm_in}, {@code encoder_lstm_out}
     * [C, T], {@code encoder_out} [hidden, T] (encode side), {@code quantized} [hidden, T],
     * {@code decoder_lstm_out} [C, T], {@code decoded} [T · hop] (decode side); plus the codes.
     */
    public record Trace(Map<String, float[]> stages, int[][] codes) {
        public float[] get(String stage) {
            float[] v = stages.get(stage);
            if (v == null) {
                throw new IllegalArgumentException("no stage " + stage + " in " + stages.keySet());
            }
            return v;
        }
    }

    /** Encode side in one pass, with its intermediates. */
    public Trace encodeTrace(float[] mono, int numCodebooks) {
        checkCodebooks(numCodebooks);
        Map<String, float[]> stages = new LinkedHashMap<>();
        EncodeStream stream = new EncodeStream(numCodebooks, 0, stages);
        CodeBuilder out = new CodeBuilder(numCodebooks);
        out.add(stream.push(mono));
        out.add(stream.finish());
        return new Trace(Collections.unmodifiableMap(stages), out.build());
    }

    /** Decode side in one pass, with its intermediates. */
    public Trace decodeTrace(int[][] codes) {
        Map<String, float[]> stages = new LinkedHashMap<>();
        DecodeStream stream = new DecodeStream(0, stages);
        float[] head = stream.push(codes);
        float[] tail = stream.finish();
        stages.putIfAbsent("decoded", concat(head, tail));
        return new Trace(Collections.unmodifiableMap(stages), codes);
    }

    // ---------------------------------------------------------------- streams

    /** An incremental encoder with windows of at most {@link #defaultWindowFrames()} frames. */
    public EncodeStream encodeStream(int numCodebooks) {
        return encodeStream(numCodebooks, defaultWindowFrames());
    }

    /** An incremental encoder: samples in, codes of completed frames out. */
    public EncodeStream encodeStream(int numCodebooks, int windowFrames) {
        checkCodebooks(numCodebooks);
        requireStreamable();
        if (windowFrames <= 0) {
            throw new IllegalArgumentException("windowFrames must be positive, got " + windowFrames);
        }
        return new EncodeStream(numCodebooks, windowFrames, null);
    }

    public DecodeStream decodeStream() {
        return decodeStream(defaultWindowFrames());
    }

    /** An incremental decoder: codes in, audio out. */
    public DecodeStream decodeStream(int windowFrames) {
        requireStreamable();
        if (windowFrames <= 0) {
            throw new IllegalArgumentException("windowFrames must be positive, got " + windowFrames);
        }
        return new DecodeStream(windowFrames, null);
    }

    private void requireStreamable() {
        if (!streamable) {
            throw new UnsupportedOperationException("model " + name + " is not causal with right-side trimming "
                    + "(use_causal_conv / trim_right_ratio); encode and decode it in one pass");
        }
    }

    /**
     * Samples in, codes out. A frame's codes are final once its hop of samples has arrived (the
     * encoder is causal), so {@link #push} returns the codes of every frame completed so far
     * (after a first window of {@link #minFirstWindowFrames()} frames); {@link #finish} encodes
     * the rest, padding the last partial frame as the one-pass run does. Not thread-safe.
     */
    public final class EncodeStream {

        private final int numCodebooks;
        private final int window;          // 0 = everything in finish()
        private final Map<String, float[]> probe;
        private float[] pending = new float[0];
        private int pendingLength;
        private float[] context = new float[0];
        private Slstm.State state;
        private float[] tail;              // LSTM outputs [C, tailFrames] channel-major
        private int tailFrames;
        private boolean started;
        private boolean finished;
        private long samplesIn;
        private long framesOut;

        private EncodeStream(int numCodebooks, int window, Map<String, float[]> probe) {
            this.numCodebooks = numCodebooks;
            this.window = window;
            this.probe = probe;
            this.state = encoder.lstm().zeroState();
        }

        /** Appends samples; returns the codes [K][n] of the n frames that are now complete (n may be 0). */
        public int[][] push(float[] samples) {
            if (finished) {
                throw new IllegalStateException("stream finished");
            }
            for (int i = 0; i < samples.length; i++) {
                if (!Float.isFinite(samples[i])) {
                    throw new IllegalArgumentException("sample " + (samplesIn + i) + " is " + samples[i]);
                }
            }
            append(samples);
            samplesIn += samples.length;
            CodeBuilder out = new CodeBuilder(numCodebooks);
            int hop = hopLength();
            while (window > 0) {
                int complete = pendingLength / hop;
                int need = started ? 1 : encoderFirstFrames;
                if (complete < need) {
                    break;
                }
                out.add(process(Math.min(complete, Math.max(window, need)) * hop));
            }
            return out.build();
        }

        /** Encodes what is left (the last, possibly partial, frame); the stream is then closed. */
        public int[][] finish() {
            if (finished) {
                throw new IllegalStateException("stream finished");
            }
            finished = true;
            return pendingLength == 0 ? new int[numCodebooks][0] : process(pendingLength);
        }

        /** Frames whose codes were returned so far. */
        public long frames() {
            return framesOut;
        }

        private void append(float[] samples) {
            if (pendingLength + samples.length > pending.length) {
                pending = Arrays.copyOf(pending, Math.max(pendingLength + samples.length, 2 * pending.length));
            }
            System.arraycopy(samples, 0, pending, pendingLength, samples.length);
            pendingLength += samples.length;
        }

        private int[][] process(int count) {
            float[] chunk = Arrays.copyOf(pending, count);
            System.arraycopy(pending, count, pending, 0, pendingLength - count);
            pendingLength -= count;
            int preContext = started ? encoder.pre().contextFrames() : 0;
            float[] input = started ? concat(context, chunk) : chunk;
            if (started && context.length != preContext * hopLength()) {
                throw new IllegalStateException("encoder context of " + context.length + " samples");
            }
            int frames = (count + hopLength() - 1) / hopLength();
            int[][] codes = run(call -> {
                NDArray x = call.create(input, new Shape(1, 1, input.length));
                NDArray h = encoder.pre().apply(x);
                NDArray lstmIn = preContext > 0 ? h.get(":, :, " + preContext + ":") : h;
                Slstm.Result r = encoder.lstm().apply(lstmIn, state);
                NDArray postIn = started ? join(call, tail, tailFrames, r.output()) : r.output();
                NDArray out = encoder.post().apply(postIn);
                if (started) {
                    out = out.get(":, :, " + tailFrames + ":");
                }
                if (out.getShape().get(2) != frames) {
                    throw new IllegalStateException("encoder produced " + out.getShape() + " for " + frames + " frames");
                }
                NDArray ids = quantizer.encode(out, numCodebooks);
                if (probe != null) {
                    probe.put("encoder_lstm_in", lstmIn.toFloatArray());
                    probe.put("encoder_lstm_out", r.output().toFloatArray());
                    probe.put("encoder_out", out.toFloatArray());
                }
                state = r.state();
                int keep = (int) Math.min(encoder.post().contextFrames(), postIn.getShape().get(2));
                tail = postIn.get(":, :, " + (postIn.getShape().get(2) - keep) + ":").toFloatArray();
                tailFrames = keep;
                return toCodes(ids.toLongArray(), numCodebooks, frames);
            });
            int keepSamples = Math.min(encoder.pre().contextFrames() * hopLength(), input.length);
            context = Arrays.copyOfRange(input, input.length - keepSamples, input.length);
            started = true;
            framesOut += frames;
            return codes;
        }
    }

    /**
     * Codes in, audio out: every pushed frame (after a first window of
     * {@link #minFirstWindowFrames()} frames) is decoded at once, hop samples each, as the
     * causal decoder's output for it is final. Not thread-safe.
     */
    public final class DecodeStream {

        private final int window;          // 0 = everything in finish()
        private final Map<String, float[]> probe;
        private int numCodebooks = -1;
        private int[][] pending = new int[0][];
        private int pendingFrames;
        private float[] quantizedTail;     // decoder input [hidden, k]
        private int quantizedTailFrames;
        private float[] lstmTail;          // LSTM outputs [C, k]
        private int lstmTailFrames;
        private Slstm.State state;
        private boolean started;
        private boolean finished;
        private long framesIn;

        private DecodeStream(int window, Map<String, float[]> probe) {
            this.window = window;
            this.probe = probe;
            this.state = decoder.lstm().zeroState();
        }

        /** Appends codes [K][n] (same K every time); returns the audio decoded so far (may be empty). */
        public float[] push(int[][] codes) {
            if (finished) {
                throw new IllegalStateException("stream finished");
            }
            int frames = checkCodes(codes, framesIn);
            if (numCodebooks < 0) {
                numCodebooks = codes.length;
                pending = new int[numCodebooks][0];
            } else if (codes.length != numCodebooks) {
                throw new IllegalArgumentException("this stream decodes " + numCodebooks + " codebooks, got "
                        + codes.length + " rows");
            }
            for (int q = 0; q < numCodebooks; q++) {
                if (pendingFrames + frames > pending[q].length) {
                    pending[q] = Arrays.copyOf(pending[q], Math.max(pendingFrames + frames, 2 * pending[q].length));
                }
                System.arraycopy(codes[q], 0, pending[q], pendingFrames, frames);
            }
            pendingFrames += frames;
            framesIn += frames;
            float[] out = new float[0];
            while (window > 0) {
                int need = started ? 1 : decoderFirstFrames;
                if (pendingFrames < need || pendingFrames == 0) {
                    break;
                }
                out = concat(out, process(Math.min(pendingFrames, Math.max(window, need))));
            }
            return out;
        }

        /** Decodes what is left; the stream is then closed. */
        public float[] finish() {
            if (finished) {
                throw new IllegalStateException("stream finished");
            }
            finished = true;
            return pendingFrames == 0 ? new float[0] : process(pendingFrames);
        }

        private float[] process(int frames) {
            int[][] chunk = new int[numCodebooks][];
            for (int q = 0; q < numCodebooks; q++) {
                chunk[q] = Arrays.copyOf(pending[q], frames);
                System.arraycopy(pending[q], frames, pending[q], 0, pendingFrames - frames);
            }
            pendingFrames -= frames;
            int hop = hopLength();
            float[] audio = run(call -> {
                NDArray quantized = quantizer.decode(codesArray(call, chunk, 0, frames));
                NDArray preIn = started ? join(call, quantizedTail, quantizedTailFrames, quantized) : quantized;
                NDArray h = decoder.pre().apply(preIn);
                if (started) {
                    h = h.get(":, :, " + quantizedTailFrames + ":");
                }
                Slstm.Result r = decoder.lstm().apply(h, state);
                NDArray postIn = started ? join(call, lstmTail, lstmTailFrames, r.output()) : r.output();
                NDArray y = decoder.post().apply(postIn);
                if (started) {
                    y = y.get(":, :, " + (long) lstmTailFrames * hop + ":");
                }
                if (y.getShape().get(2) != (long) frames * hop) {
                    throw new IllegalStateException("decoder produced " + y.getShape() + " for " + frames + " frames");
                }
                float[] samples = y.toFloatArray();
                if (probe != null) {
                    probe.put("quantized", quantized.toFloatArray());
                    probe.put("decoder_lstm_out", r.output().toFloatArray());
                    probe.put("decoded", samples);
                }
                state = r.state();
                int keepQ = (int) Math.min(decoder.pre().contextFrames(), preIn.getShape().get(2));
                quantizedTail = preIn.get(":, :, " + (preIn.getShape().get(2) - keepQ) + ":").toFloatArray();
                quantizedTailFrames = keepQ;
                int keepL = (int) Math.min(decoder.post().contextFrames(), postIn.getShape().get(2));
                lstmTail = postIn.get(":, :, " + (postIn.getShape().get(2) - keepL) + ":").toFloatArray();
                lstmTailFrames = keepL;
                return samples;
            });
            started = true;
            return audio;
        }
    }

    // ---------------------------------------------------------------- helpers

    @Override
    public void close() {
        closed = true;
        manager.close();
    }

    private <T> T run(Function<NDManager, T> body) {
        if (closed) {
            throw new IllegalStateException("model " + name + " is closed");
        }
        try (NDManager call = manager.newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return body.apply(call);
        }
    }

    /** [1, C, k] of a kept tail (channel-major floats) followed by {@code next} [1, C, n]. */
    private static NDArray join(NDManager call, float[] tail, int tailFrames, NDArray next) {
        long channels = next.getShape().get(1);
        NDArray t = call.create(tail, new Shape(1, channels, tailFrames)).toDevice(next.getDevice(), false);
        return NDArrays.concat(new NDList(t, next), 2);
    }

    private void checkCodebooks(int numCodebooks) {
        if (numCodebooks < 1 || numCodebooks > maxCodebooks()) {
            throw new IllegalArgumentException("number of codebooks must be in [1, " + maxCodebooks() + "], got "
                    + numCodebooks);
        }
    }

    /** Validates codes [K][T]; returns T. {@code firstFrame} offsets the frame index in messages. */
    private int checkCodes(int[][] codes, long firstFrame) {
        if (codes == null || codes.length == 0) {
            throw new IllegalArgumentException("codes need at least one codebook row");
        }
        checkCodebooks(codes.length);
        int frames = -1;
        int size = codebookSize();
        for (int q = 0; q < codes.length; q++) {
            if (codes[q] == null) {
                throw new IllegalArgumentException("codebook row " + q + " is missing");
            }
            if (frames >= 0 && codes[q].length != frames) {
                throw new IllegalArgumentException("codebook row " + q + " has " + codes[q].length
                        + " frames, row 0 has " + frames);
            }
            frames = codes[q].length;
            for (int t = 0; t < codes[q].length; t++) {
                int id = codes[q][t];
                if (id < 0 || id >= size) {
                    throw new IllegalArgumentException("codebook " + q + ", frame " + (firstFrame + t) + ": id " + id
                            + " is outside [0, " + size + ")");
                }
            }
        }
        return frames;
    }

    private static NDArray codesArray(NDManager call, int[][] codes, int from, int frames) {
        long[] flat = new long[codes.length * frames];
        for (int q = 0; q < codes.length; q++) {
            for (int t = 0; t < frames; t++) {
                flat[q * frames + t] = codes[q][from + t];
            }
        }
        return call.create(flat, new Shape(codes.length, frames));
    }

    private static int[][] toCodes(long[] flat, int levels, int frames) {
        int[][] out = new int[levels][frames];
        for (int q = 0; q < levels; q++) {
            for (int t = 0; t < frames; t++) {
                out[q][t] = Math.toIntExact(flat[q * frames + t]);
            }
        }
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        if (a.length == 0) {
            return b;
        }
        if (b.length == 0) {
            return a;
        }
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Collects codes [K][n] chunks into one [K][Σn]. */
    private static final class CodeBuilder {
        private final int[][] rows;
        private int length;

        CodeBuilder(int levels) {
            rows = new int[levels][16];
        }

        void add(int[][] codes) {
            int n = codes[0].length;
            for (int q = 0; q < rows.length; q++) {
                if (length + n > rows[q].length) {
                    rows[q] = Arrays.copyOf(rows[q], Math.max(length + n, 2 * rows[q].length));
                }
                System.arraycopy(codes[q], 0, rows[q], length, n);
            }
            length += n;
        }

        int[][] build() {
            int[][] out = new int[rows.length][];
            for (int q = 0; q < rows.length; q++) {
                out[q] = Arrays.copyOf(rows[q], length);
            }
            return out;
        }
    }
}
