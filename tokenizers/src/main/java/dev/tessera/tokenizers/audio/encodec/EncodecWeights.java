package dev.tessera.tokenizers.audio.encodec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.tokenizers.weights.WeightsFile;
import dev.tessera.tokenizers.weights.TensorInfo;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The tensors of an EnCodec checkpoint under either naming: transformers' ({@code encoder.layers.N.conv.*},
 * the hub layout of {@code facebook/encodec_24khz}) or the original package's
 * ({@code encoder.model.N.conv.conv.*}). Weight normalisation is folded on the way in
 * (w = g · v / ‖v‖ over every axis but the first, from {@code weight_g}/{@code weight_v} or
 * {@code parametrizations.weight.original0/1}; a plain {@code weight} is taken as it is). Every
 * lookup states the shape it needs, so a checkpoint that does not fit the configuration fails with
 * the tensor's name and both shapes. Problems are {@link IllegalArgumentException}s naming the file.
 *
 * <p>For training the same lookups can be served from trainable arrays instead of a file
 * ({@link #trainable}, transformers' names): the layers then hold those arrays themselves, and a
 * weight-normalised conv's weight is computed from {@code weight_g} and {@code weight_v} with
 * NDArray ops, inside the autograd graph.
 */
final class EncodecWeights {

    /** The two spellings of the same state_dict. */
    enum Layout { TRANSFORMERS, ORIGINAL }

    private final WeightsFile file;              // null for trainable arrays
    private final Map<String, NDArray> parameters;   // null for a file
    private final BiFunction<String, long[], NDArray> create;   // trainable: makes a missing array, or null
    private final NDManager manager;
    private final Layout layout;
    private final Set<String> taken = new LinkedHashSet<>();
    private long parameterCount;

    EncodecWeights(WeightsFile file, NDManager manager) {
        this.file = file;
        this.parameters = null;
        this.create = null;
        this.manager = manager;
        boolean hf = file.tensors().keySet().stream().anyMatch(n -> n.startsWith("encoder.layers."));
        boolean orig = file.tensors().keySet().stream().anyMatch(n -> n.startsWith("encoder.model."));
        if (hf == orig) {
            throw problem(hf ? "holds both transformers (encoder.layers.*) and original (encoder.model.*) names"
                    : "holds no EnCodec encoder tensors (neither encoder.layers.* nor encoder.model.*); "
                    + file.tensors().size() + " tensors, e.g. " + file.tensors().keySet().stream().limit(3).toList());
        }
        this.layout = hf ? Layout.TRANSFORMERS : Layout.ORIGINAL;
    }

    private EncodecWeights(Map<String, NDArray> parameters, BiFunction<String, long[], NDArray> create,
                           NDManager manager) {
        this.file = null;
        this.parameters = parameters;
        this.create = create;
        this.manager = manager;
        this.layout = Layout.TRANSFORMERS;
    }

    /**
     * Lookups served by the arrays of {@code parameters} (transformers' names, weight-normalised
     * convs as {@code weight_g} [rows, 1, 1] + {@code weight_v}); when {@code create} is given, a
     * name that is missing is made by it (name, shape) and added to the map, so building the model
     * once over an empty map enumerates every tensor.
     */
    static EncodecWeights trainable(Map<String, NDArray> parameters, BiFunction<String, long[], NDArray> create,
                                    NDManager manager) {
        return new EncodecWeights(parameters, create, manager);
    }

    private Set<String> names() {
        return file != null ? file.tensors().keySet() : parameters.keySet();
    }

    /** Whether the lookups hand out trainable arrays (held by the caller) rather than copies of a file's tensors. */
    boolean trainable() {
        return file == null;
    }

    Layout layout() {
        return layout;
    }

    long parameterCount() {
        return parameterCount;
    }

    IllegalArgumentException problem(String what) {
        return new IllegalArgumentException((file != null ? file.path() : "trainable EnCodec parameters") + ": " + what);
    }

    // ---- module prefixes in the two layouts ----

    /** A plain (or strided) conv of the encoder / decoder layer list. */
    String conv(String side, int index) {
        return layout == Layout.TRANSFORMERS ? side + ".layers." + index + ".conv" : side + ".model." + index + ".conv.conv";
    }

    /** A decoder transposed conv. */
    String convTranspose(int index) {
        return layout == Layout.TRANSFORMERS ? "decoder.layers." + index + ".conv" : "decoder.model." + index + ".convtr.convtr";
    }

    /** Conv {@code blockIndex} (1 or 3) inside residual block {@code index}. */
    String blockConv(String side, int index, int blockIndex) {
        return layout == Layout.TRANSFORMERS ? side + ".layers." + index + ".block." + blockIndex + ".conv"
                : side + ".model." + index + ".block." + blockIndex + ".conv.conv";
    }

    String shortcut(String side, int index) {
        return layout == Layout.TRANSFORMERS ? side + ".layers." + index + ".shortcut.conv"
                : side + ".model." + index + ".shortcut.conv.conv";
    }

    boolean hasAny(String prefix) {
        return names().stream().anyMatch(n -> n.startsWith(prefix + "."));
    }

    String lstm(String side, int index) {
        return layout == Layout.TRANSFORMERS ? side + ".layers." + index + ".lstm" : side + ".model." + index + ".lstm";
    }

    String codebook(int k) {
        return layout == Layout.TRANSFORMERS ? "quantizer.layers." + k + ".codebook" : "quantizer.vq.layers." + k + "._codebook";
    }

    /** Number of consecutive codebooks stored (k = 0, 1, … while {@code embed} exists). */
    int countCodebooks() {
        int k = 0;
        while (file != null ? file.contains(codebook(k) + ".embed") : parameters.containsKey(codebook(k) + ".embed")) {
            k++;
        }
        return k;
    }

    /** Codebook buffers inference never reads. */
    Set<String> ignorableBuffers(int codebooks) {
        Set<String> out = new LinkedHashSet<>();
        for (int k = 0; k < codebooks; k++) {
            for (String b : List.of("inited", "cluster_size", "embed_avg")) {
                out.add(codebook(k) + "." + b);
            }
        }
        return out;
    }

    // ---- tensors ----

    /** The raw values of {@code name}, which must exist with exactly {@code shape}. */
    float[] floats(String name, long... shape) {
        if (!file.contains(name)) {
            throw problem("missing tensor " + name + " (expected shape " + Arrays.toString(shape) + ")");
        }
        TensorInfo info = file.info(name);
        if (!Arrays.equals(info.shape(), shape)) {
            throw problem("tensor " + name + " has shape " + Arrays.toString(info.shape())
                    + " but the configuration needs " + Arrays.toString(shape));
        }
        float[] values = file.floats(name);
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw problem("tensor " + name + " holds a non-finite value");
            }
        }
        if (taken.add(name)) {
            parameterCount += info.elementCount();
        }
        return values;
    }

    NDArray array(String name, long... shape) {
        if (file != null) {
            return manager.create(floats(name, shape), new Shape(shape));
        }
        NDArray p = parameters.get(name);
        if (p == null && create != null) {
            p = create.apply(name, shape.clone());
            parameters.put(name, p);
        }
        if (p == null) {
            throw problem("missing tensor " + name + " (expected shape " + Arrays.toString(shape) + ")");
        }
        if (!Arrays.equals(p.getShape().getShape(), shape)) {
            throw problem("tensor " + name + " has shape " + p.getShape() + " but the configuration needs "
                    + Arrays.toString(shape));
        }
        if (taken.add(name)) {
            parameterCount += p.size();
        }
        return p;
    }

    /**
     * The effective weight of a (weight-normalised) conv as an array of {@code shape} (see
     * {@link #convWeight}): from a file the folded values; from trainable arrays
     * {@code g · v / ‖v‖} computed with NDArray ops, so gradients reach {@code weight_g} and
     * {@code weight_v} (a plain {@code weight} when the map holds one instead).
     */
    NDArray convWeightArray(String prefix, long... shape) {
        if (file != null) {
            return manager.create(convWeight(prefix, shape), new Shape(shape));
        }
        if (parameters.containsKey(prefix + ".weight")) {
            return array(prefix + ".weight", shape);
        }
        NDArray v = array(prefix + ".weight_v", shape);
        NDArray g = array(prefix + ".weight_g", shape[0], 1, 1);
        return v.mul(g.div(v.square().sum(new int[] {1, 2}, true).sqrt()));
    }

    /**
     * The effective weight of a (weight-normalised) conv, {@code shape} = [dim0, dim1, k] as
     * stored (Conv1d [out, in, k], ConvTranspose1d [in, out, k]); the norm runs over (dim1, k) for
     * each index of dim0, as {@code torch.nn.utils.weight_norm(dim=0)}.
     */
    float[] convWeight(String prefix, long... shape) {
        String g;
        String v;
        if (file.contains(prefix + ".weight_g") || file.contains(prefix + ".weight_v")) {
            g = prefix + ".weight_g";
            v = prefix + ".weight_v";
        } else if (file.contains(prefix + ".parametrizations.weight.original0")
                || file.contains(prefix + ".parametrizations.weight.original1")) {
            g = prefix + ".parametrizations.weight.original0";
            v = prefix + ".parametrizations.weight.original1";
        } else if (file.contains(prefix + ".weight")) {
            return floats(prefix + ".weight", shape);
        } else {
            throw problem("missing weights of " + prefix + ": none of weight_g/weight_v, "
                    + "parametrizations.weight.original0/1 or weight (expected shape " + Arrays.toString(shape) + ")");
        }
        long rows = shape[0];
        float[] direction = floats(v, shape);
        float[] gain = file.contains(g) && file.info(g).shape().length == 1 ? floats(g, rows) : floats(g, rows, 1, 1);
        int per = Math.toIntExact(direction.length / rows);
        float[] w = new float[direction.length];
        for (int r = 0; r < rows; r++) {
            double sq = 0;
            for (int i = 0; i < per; i++) {
                double x = direction[r * per + i];
                sq += x * x;
            }
            double scale = gain[r] / Math.sqrt(sq);
            if (!Double.isFinite(scale)) {
                throw problem(v + ": row " + r + " has zero norm, weight normalisation is undefined");
            }
            for (int i = 0; i < per; i++) {
                w[r * per + i] = (float) (direction[r * per + i] * scale);
            }
        }
        return w;
    }

    /** Fails when the file holds tensors nothing asked for (other than {@code ignorable}). */
    void requireAllTaken(Set<String> ignorable) {
        List<String> left = names().stream()
                .filter(n -> !taken.contains(n) && !ignorable.contains(n)).toList();
        if (!left.isEmpty()) {
            throw problem(left.size() + " tensor(s) not used by the EnCodec architecture of config.json, e.g. "
                    + left.subList(0, Math.min(5, left.size())) + " (does config.json describe these weights?)");
        }
    }
}
