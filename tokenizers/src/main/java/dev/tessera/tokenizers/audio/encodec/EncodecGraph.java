package dev.tessera.tokenizers.audio.encodec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The forward pass of an EnCodec model as separate differentiable stages, for training: the very
 * SEANet encoder, residual quantiser lookup and decoder code that {@link EncodecModel} runs, built
 * over trainable arrays under transformers' tensor names (the hub layout). Weight-normalised convs
 * read {@code weight_g} and {@code weight_v} and compute {@code g · v / ‖v‖} with NDArray ops, so
 * building a graph inside a {@code GradientCollector} (one per optimisation step: the weights are
 * derived from the parameters when the graph is built) lets gradients reach g and v.
 *
 * <p>Works on batches: audio [B, 1, L] with L a multiple of the hop, latents [B, D, L / hop]. The
 * LSTMs start from a zero state for every segment.
 */
public final class EncodecGraph {

    private final EncodecConfig config;
    private final Seanet encoder;
    private final Seanet decoder;
    private final ResidualVectorQuantizer quantizer;

    /**
     * @param parameters every tensor of {@link #tensorShapes} (extra names are an error); the
     *                   arrays are used as they are (mark the trained ones as requiring gradients)
     * @param levels     codebooks in the quantiser
     */
    public EncodecGraph(EncodecConfig config, Map<String, NDArray> parameters, int levels) {
        NDManager manager = parameters.values().iterator().next().getManager();
        EncodecWeights weights = EncodecWeights.trainable(parameters, null, manager);
        this.config = config;
        this.encoder = Seanet.encoder(config, weights, manager);
        this.quantizer = new ResidualVectorQuantizer(weights, manager, levels, config.codebookSize(), config.hiddenSize());
        this.decoder = Seanet.decoder(config, weights, manager);
        weights.requireAllTaken(weights.ignorableBuffers(levels));
    }

    /**
     * The name and shape of every tensor the model reads, in transformers' names and in the order
     * the layers ask for them: each weight-normalised conv as {@code weight_v} (the conv's shape)
     * then {@code weight_g} [rows, 1, 1], biases, LSTM weights, and {@code quantizer.layers.k.codebook.embed}
     * [codebook size, hidden]. (The codebooks' EMA buffers are not read by the model.)
     */
    public static Map<String, long[]> tensorShapes(EncodecConfig config, int levels) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        try (NDManager scratch = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
            Map<String, NDArray> made = new LinkedHashMap<>();
            EncodecWeights recorder = EncodecWeights.trainable(made, (name, shape) -> {
                shapes.put(name, shape);
                return scratch.ones(new ai.djl.ndarray.types.Shape(shape));
            }, scratch);
            Seanet.encoder(config, recorder, scratch);
            new ResidualVectorQuantizer(recorder, scratch, levels, config.codebookSize(), config.hiddenSize());
            Seanet.decoder(config, recorder, scratch);
        }
        return Collections.unmodifiableMap(shapes);
    }

    /** Tensor name of codebook {@code level}'s rows (then {@code .cluster_size}, {@code .embed_avg}, {@code .inited} for the EMA buffers). */
    public static String codebookPrefix(int level) {
        return "quantizer.layers." + level + ".codebook";
    }

    public EncodecConfig config() {
        return config;
    }

    public int levels() {
        return quantizer.levels();
    }

    /** Audio [B, 1, L] → latents [B, hidden, ceil(L / hop)]. */
    public NDArray encode(NDArray audio) {
        NDArray h = encoder.pre().apply(audio);
        return encoder.post().apply(encoder.lstm().apply(h));
    }

    /** Latents [B, hidden, T] → audio [B, 1, T · hop]. */
    public NDArray decode(NDArray latents) {
        NDArray h = decoder.pre().apply(latents);
        return decoder.post().apply(decoder.lstm().apply(h));
    }

    /** Nearest row of codebook {@code level} for each row of {@code residual} [N, hidden]: int64 [N], as inference picks it. */
    public NDArray nearest(NDArray residual, int level) {
        return quantizer.nearest(residual, level);
    }

    /** The array of codebook {@code level}, [codebook size, hidden] (the one in the parameter map). */
    public NDArray codebook(int level) {
        return quantizer.embed(level);
    }
}
