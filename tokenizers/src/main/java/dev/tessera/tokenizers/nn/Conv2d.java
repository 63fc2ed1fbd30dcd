package dev.tessera.tokenizers.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tessera.tokenizers.weights.MalformedWeightsException;

/**
 * 2-D convolution with PyTorch weight layout [out, in, k, k]. {@code padding} is symmetric; for
 * stride 1 and odd kernels (k-1)/2 equals the "same" padding of MaskGIT's {@code Conv2dSame}.
 */
public record Conv2d(NDArray weight, NDArray bias, int stride, int padding) {

    /** Stride-1 convolution with "same" padding. {@code withBias} false: the checkpoint has no bias. */
    public static Conv2d same(NamedWeights weights, String prefix, long in, long out, int kernel, boolean withBias)
            throws MalformedWeightsException {
        if (kernel % 2 == 0) {
            throw new IllegalArgumentException("same padding needs an odd kernel, got " + kernel);
        }
        return load(weights, prefix, in, out, kernel, 1, (kernel - 1) / 2, withBias);
    }

    public static Conv2d load(NamedWeights weights, String prefix, long in, long out, int kernel, int stride,
                              int padding, boolean withBias) throws MalformedWeightsException {
        NDArray w = weights.get(prefix + ".weight", out, in, kernel, kernel);
        // The engine's convolution wants a bias tensor; zeros keep a bias-free conv exact.
        NDArray b = withBias ? weights.get(prefix + ".bias", out) : weights.manager().zeros(new Shape(out));
        return new Conv2d(w, b, stride, padding);
    }

    public NDArray apply(NDArray x) {
        return Convolution.conv2d(x, weight, bias, stride, padding);
    }
}
