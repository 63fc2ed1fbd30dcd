package dev.tessera.tokenizers.audio.encodec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hyper-parameters of an EnCodec checkpoint in the hub's {@code config.json} form (the fields of
 * transformers' {@code EncodecConfig}); a missing field takes transformers' default, which is the
 * value of {@code facebook/encodec_24khz}.
 *
 * @param samplingRate        audio samples per second (24000)
 * @param audioChannels       1 (mono) for the 24 kHz family, the only one this port runs
 * @param normalize           RMS-normalise each chunk (48 kHz family only; must be false here)
 * @param chunkLengthS        chunk length in seconds (48 kHz family); null = whole clip in one pass
 * @param overlap             chunk overlap fraction (48 kHz family); null
 * @param hiddenSize          latent width out of the encoder ({@code dimension} officially)
 * @param numFilters          base channel count; encoder widths numFilters·2^i
 * @param numResidualLayers   residual blocks per stage
 * @param upsamplingRatios    decoder strides in order (encoder uses them reversed)
 * @param normType            "weight_norm" (folded at load) or "none"
 * @param kernelSize          first conv kernel
 * @param lastKernelSize      last conv kernel
 * @param residualKernelSize  first conv kernel of each residual block
 * @param dilationGrowthRate  dilation of residual block j is rate^j
 * @param useCausalConv       causal padding (all left) and causal transposed-conv trimming
 * @param padMode             "reflect" or "constant" (zeros)
 * @param compress            residual hidden width = width / compress
 * @param numLstmLayers       layers of each SLSTM
 * @param trimRightRatio      share of (kernel − stride) trimmed from the right of a causal transposed conv
 * @param codebookSize        entries per codebook
 * @param codebookDim         codebook vector width (= hiddenSize)
 * @param targetBandwidths    the bandwidths (kbps) the model was trained for
 * @param useConvShortcut     1×1 conv on the residual skip (else identity)
 */
public record EncodecConfig(
        int samplingRate,
        int audioChannels,
        boolean normalize,
        Double chunkLengthS,
        Double overlap,
        int hiddenSize,
        int numFilters,
        int numResidualLayers,
        List<Integer> upsamplingRatios,
        String normType,
        int kernelSize,
        int lastKernelSize,
        int residualKernelSize,
        int dilationGrowthRate,
        boolean useCausalConv,
        String padMode,
        int compress,
        int numLstmLayers,
        double trimRightRatio,
        int codebookSize,
        int codebookDim,
        List<Double> targetBandwidths,
        boolean useConvShortcut) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public EncodecConfig {
        upsamplingRatios = List.copyOf(upsamplingRatios);
        targetBandwidths = List.copyOf(targetBandwidths);
    }

    /** transformers' {@code EncodecConfig()} defaults = facebook/encodec_24khz. */
    public static EncodecConfig defaults24k() {
        return new EncodecConfig(24000, 1, false, null, null, 128, 32, 1, List.of(8, 5, 4, 2), "weight_norm",
                7, 7, 3, 2, true, "reflect", 2, 2, 1.0, 1024, 128, List.of(1.5, 3.0, 6.0, 12.0, 24.0), true);
    }

    /** Samples per frame: the product of the strides (320). */
    public int hopLength() {
        int hop = 1;
        for (int r : upsamplingRatios) {
            hop *= r;
        }
        return hop;
    }

    /** Frames per second, sampling rate / hop (75.0 for 24 kHz / 320). */
    public double frameRate() {
        return (double) samplingRate / hopLength();
    }

    /** The official integer frame rate, {@code ceil(sample_rate / hop)}, used in the bandwidth arithmetic. */
    public int officialFrameRate() {
        return (int) Math.ceil((double) samplingRate / hopLength());
    }

    /** Bits per code, log2(codebook size): exact for powers of two, as Python's {@code math.log2}. */
    public double bitsPerCodebook() {
        if (Integer.bitCount(codebookSize) == 1) {
            return Integer.numberOfTrailingZeros(codebookSize);
        }
        return Math.log(codebookSize) / Math.log(2);
    }

    /**
     * Codebooks for a bandwidth as the official {@code get_num_quantizers_for_bandwidth}:
     * {@code max(1, floor(kbps·1000 / (log2(codebook_size) · frame_rate)))}, no upper clamp.
     */
    public int codebooksForBandwidth(double kbps) {
        double bandwidthPerQuantizer = bitsPerCodebook() * officialFrameRate();
        return (int) Math.max(1, Math.floor(kbps * 1000 / bandwidthPerQuantizer));
    }

    /** Width of the LSTM and of the encoder's last / decoder's first stage: numFilters · 2^stages. */
    public int lstmWidth() {
        return numFilters << upsamplingRatios.size();
    }

    /** Reads {@code config.json}; fields absent from the file take transformers' defaults. */
    public static EncodecConfig read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": not a JSON object");
        }
        String type = root.path("model_type").asString("encodec");
        if (!type.equals("encodec")) {
            throw new IllegalArgumentException(file + ": model_type is '" + type + "', not 'encodec'");
        }
        EncodecConfig d = defaults24k();
        int hidden = intField(file, root, "hidden_size", d.hiddenSize());
        EncodecConfig config = new EncodecConfig(
                intField(file, root, "sampling_rate", d.samplingRate()),
                intField(file, root, "audio_channels", d.audioChannels()),
                boolField(file, root, "normalize", d.normalize()),
                nullableDouble(file, root, "chunk_length_s"),
                nullableDouble(file, root, "overlap"),
                hidden,
                intField(file, root, "num_filters", d.numFilters()),
                intField(file, root, "num_residual_layers", d.numResidualLayers()),
                intList(file, root, "upsampling_ratios", d.upsamplingRatios()),
                stringField(file, root, "norm_type", d.normType()),
                intField(file, root, "kernel_size", d.kernelSize()),
                intField(file, root, "last_kernel_size", d.lastKernelSize()),
                intField(file, root, "residual_kernel_size", d.residualKernelSize()),
                intField(file, root, "dilation_growth_rate", d.dilationGrowthRate()),
                boolField(file, root, "use_causal_conv", d.useCausalConv()),
                stringField(file, root, "pad_mode", d.padMode()),
                intField(file, root, "compress", d.compress()),
                intField(file, root, "num_lstm_layers", d.numLstmLayers()),
                doubleField(file, root, "trim_right_ratio", d.trimRightRatio()),
                intField(file, root, "codebook_size", d.codebookSize()),
                root.path("codebook_dim").isNull() || root.path("codebook_dim").isMissingNode()
                        ? hidden : intField(file, root, "codebook_dim", hidden),
                doubleList(file, root, "target_bandwidths", d.targetBandwidths()),
                boolField(file, root, "use_conv_shortcut", d.useConvShortcut()));
        config.validate(file);
        return config;
    }

    /**
     * Checks a hub {@code preprocessor_config.json} (EncodecFeatureExtractor) against the model:
     * same sampling rate, feature_size = audio channels, and no chunking the model does not do.
     */
    static void checkPreprocessor(Path file, EncodecConfig config) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": not a JSON object");
        }
        int rate = intField(file, root, "sampling_rate", config.samplingRate());
        int channels = intField(file, root, "feature_size", config.audioChannels());
        Double chunk = nullableDouble(file, root, "chunk_length_s");
        if (rate != config.samplingRate() || channels != config.audioChannels() || chunk != null) {
            throw new IllegalArgumentException(file + ": the feature extractor (" + rate + " Hz, " + channels
                    + " channel(s), chunk_length_s " + chunk + ") does not match config.json ("
                    + config.samplingRate() + " Hz, " + config.audioChannels() + " channel(s), no chunking)");
        }
    }

    /** Rejects what this port does not run (48 kHz family, other norms), naming the field; {@code file} heads the message. */
    public void validate(Path file) {
        List<String> problems = new ArrayList<>();
        if (samplingRate <= 0) {
            problems.add("sampling_rate must be positive");
        }
        if (audioChannels != 1) {
            problems.add("audio_channels is " + audioChannels + "; only mono (the 24 kHz family) is supported");
        }
        if (normalize || chunkLengthS != null || overlap != null) {
            problems.add("normalize / chunk_length_s / overlap are set: that is the 48 kHz family (chunked, "
                    + "RMS-scaled), which this port does not run");
        }
        String norm = normType.toLowerCase(Locale.ROOT);
        if (!norm.equals("weight_norm") && !norm.equals("none")) {
            problems.add("norm_type '" + normType + "' is not supported (weight_norm or none)");
        }
        String pad = padMode.toLowerCase(Locale.ROOT);
        if (!pad.equals("reflect") && !pad.equals("constant") && !pad.equals("zero") && !pad.equals("zeros")) {
            problems.add("pad_mode '" + padMode + "' is not supported (reflect or constant)");
        }
        if (upsamplingRatios.isEmpty() || upsamplingRatios.stream().anyMatch(r -> r <= 0)) {
            problems.add("upsampling_ratios must be a non-empty list of positive strides");
        }
        if (hiddenSize <= 0 || numFilters <= 0 || kernelSize <= 0 || lastKernelSize <= 0 || residualKernelSize <= 0
                || numResidualLayers < 0 || dilationGrowthRate <= 0 || compress <= 0 || codebookSize <= 1) {
            problems.add("sizes must be positive (hidden_size, num_filters, kernels, compress, codebook_size > 1)");
        }
        if (numLstmLayers < 1) {
            problems.add("num_lstm_layers must be at least 1");
        }
        if (codebookDim != hiddenSize) {
            problems.add("codebook_dim " + codebookDim + " differs from hidden_size " + hiddenSize
                    + " (EnCodec's quantiser has no projection)");
        }
        if (trimRightRatio < 0 || trimRightRatio > 1) {
            problems.add("trim_right_ratio must lie in [0, 1]");
        }
        if (targetBandwidths.isEmpty() || targetBandwidths.stream().anyMatch(b -> !(b > 0))) {
            problems.add("target_bandwidths must be a non-empty list of positive kbps");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + ": " + String.join("; ", problems));
        }
    }

    boolean reflectPadding() {
        return padMode.equalsIgnoreCase("reflect");
    }

    boolean weightNorm() {
        return normType.equalsIgnoreCase("weight_norm");
    }

    private static JsonNode present(JsonNode root, String key) {
        JsonNode n = root.get(key);
        return n == null || n.isNull() ? null : n;
    }

    /** A field read by {@code read} when present and of the kind {@code accepts} checks; the fallback when absent or null. */
    private static <T> T field(Path file, JsonNode root, String key, T fallback, String kind,
                               java.util.function.Predicate<JsonNode> accepts,
                               java.util.function.Function<JsonNode, T> read) {
        JsonNode n = present(root, key);
        if (n == null) {
            return fallback;
        }
        if (!accepts.test(n)) {
            throw new IllegalArgumentException(file + ": " + key + " must be " + kind + ", got " + n);
        }
        return read.apply(n);
    }

    private static boolean integral(JsonNode n) {
        return n.isIntegralNumber() || (n.isNumber() && n.asDouble() == Math.rint(n.asDouble()));
    }

    private static int intField(Path file, JsonNode root, String key, int fallback) {
        return field(file, root, key, fallback, "an integer", EncodecConfig::integral, JsonNode::asInt);
    }

    private static double doubleField(Path file, JsonNode root, String key, double fallback) {
        return field(file, root, key, fallback, "a number", JsonNode::isNumber, JsonNode::asDouble);
    }

    private static Double nullableDouble(Path file, JsonNode root, String key) {
        return field(file, root, key, null, "a number or null", JsonNode::isNumber, JsonNode::asDouble);
    }

    private static boolean boolField(Path file, JsonNode root, String key, boolean fallback) {
        return field(file, root, key, fallback, "true or false", JsonNode::isBoolean, JsonNode::asBoolean);
    }

    private static String stringField(Path file, JsonNode root, String key, String fallback) {
        return field(file, root, key, fallback, "a string", JsonNode::isString, JsonNode::asString);
    }

    private static List<Integer> intList(Path file, JsonNode root, String key, List<Integer> fallback) {
        return field(file, root, key, fallback, "a list of integers",
                n -> n.isArray() && n.valueStream().allMatch(JsonNode::isIntegralNumber),
                n -> n.valueStream().map(JsonNode::asInt).toList());
    }

    private static List<Double> doubleList(Path file, JsonNode root, String key, List<Double> fallback) {
        return field(file, root, key, fallback, "a list of numbers",
                n -> n.isArray() && n.valueStream().allMatch(JsonNode::isNumber),
                n -> n.valueStream().map(JsonNode::asDouble).toList());
    }
}
