package dev.tessera.tokenizers.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.tokenizers.weights.MalformedWeightsException;
import dev.tessera.tokenizers.weights.WeightsFile;
import dev.tessera.tokenizers.weights.TensorInfo;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tensors of a checkpoint, looked up by their official state_dict names and copied onto one
 * {@link NDManager} as float32. Every lookup states the shape it expects, so a checkpoint that
 * does not fit the architecture fails on the first wrong tensor with its name and both shapes.
 * Keeps track of what was taken, to count parameters and to find tensors nobody asked for.
 */
public final class NamedWeights {

    private final WeightsFile file;
    private final NDManager manager;
    private final Set<String> taken = new LinkedHashSet<>();
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();
    private long parameterCount;

    public NamedWeights(WeightsFile file, NDManager manager) {
        this.file = file;
        this.manager = manager;
    }

    public NDManager manager() {
        return manager;
    }

    public WeightsFile file() {
        return file;
    }

    public boolean has(String name) {
        return file.contains(name);
    }

    /** The tensor, which must exist and have exactly {@code expectedShape}. */
    public NDArray get(String name, long... expectedShape) throws MalformedWeightsException {
        if (!file.contains(name)) {
            throw new MalformedWeightsException(file.path(), "missing tensor " + name + " (expected shape "
                    + Arrays.toString(expectedShape) + ")");
        }
        TensorInfo info = file.info(name);
        if (!Arrays.equals(info.shape(), expectedShape)) {
            throw new MalformedWeightsException(file.path(), "tensor " + name + " has shape "
                    + Arrays.toString(info.shape()) + " but the configuration needs " + Arrays.toString(expectedShape));
        }
        NDArray array = manager.create(file.floats(name), new Shape(expectedShape));
        array.setName(name);
        if (taken.add(name)) {
            parameterCount += info.elementCount();
            arrays.put(name, array);
        }
        return array;
    }

    /**
     * The array handed out for each name taken so far, in order of first lookup (the ones the
     * modules hold, so a trainer can mark them as parameters and update them in place).
     */
    public Map<String, NDArray> arrays() {
        return Collections.unmodifiableMap(arrays);
    }

    /** Elements in all tensors taken so far. */
    public long parameterCount() {
        return parameterCount;
    }

    /** Fails when the file holds tensors that were not taken, other than the {@code ignorable} ones. */
    public void requireAllTaken(Set<String> ignorable, String hint) throws MalformedWeightsException {
        List<String> left = file.tensors().keySet().stream()
                .filter(n -> !taken.contains(n) && !ignorable.contains(n))
                .toList();
        if (!left.isEmpty()) {
            throw new MalformedWeightsException(file.path(), left.size() + " tensor(s) not used by this architecture, e.g. "
                    + left.subList(0, Math.min(5, left.size())) + hint);
        }
    }
}
