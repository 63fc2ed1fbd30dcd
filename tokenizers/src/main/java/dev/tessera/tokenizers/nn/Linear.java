package dev.tessera.tokenizers.nn;

import ai.djl.ndarray.NDArray;
import dev.tessera.tokenizers.weights.MalformedWeightsException;

/** y = x·Wᵀ + b over the last axis (PyTorch {@code nn.Linear} layout: weight [out, in]). */
public record Linear(NDArray weight, NDArray bias) {

    public static Linear load(NamedWeights weights, String prefix, long in, long out) throws MalformedWeightsException {
        return new Linear(weights.get(prefix + ".weight", out, in), weights.get(prefix + ".bias", out));
    }

    public NDArray apply(NDArray x) {
        return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
    }
}
