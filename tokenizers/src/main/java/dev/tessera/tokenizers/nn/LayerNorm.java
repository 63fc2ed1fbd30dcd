package dev.tessera.tokenizers.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tessera.tokenizers.weights.MalformedWeightsException;

/** LayerNorm over the last axis with affine weight and bias (PyTorch default eps 1e-5). */
public record LayerNorm(NDArray weight, NDArray bias, float eps) {

    public static final float DEFAULT_EPS = 1e-5f;

    public static LayerNorm load(NamedWeights weights, String prefix, long width, float eps)
            throws MalformedWeightsException {
        return new LayerNorm(weights.get(prefix + ".weight", width), weights.get(prefix + ".bias", width), eps);
    }

    public NDArray apply(NDArray x) {
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(weight.getShape().get(0)), weight, bias, eps)
                .singletonOrThrow();
    }
}
