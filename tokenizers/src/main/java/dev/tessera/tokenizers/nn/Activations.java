package dev.tessera.tokenizers.nn;

import ai.djl.ndarray.NDArray;

/** Element-wise activations with the exact definitions the reference models use. */
public final class Activations {

    private Activations() {}

    /** GELU with the exact erf form, x·Φ(x) (PyTorch {@code nn.GELU()} default, not the tanh approximation). */
    public static NDArray gelu(NDArray x) {
        // The PyTorch engine maps this to torch.gelu without approximation; ActivationsTest pins that.
        return ai.djl.nn.Activation.gelu(x);
    }

    /** SiLU / swish: x·sigmoid(x). */
    public static NDArray silu(NDArray x) {
        return x.mul(ai.djl.nn.Activation.sigmoid(x));
    }

    /** Nearest-neighbour ×2 upsampling of [B, C, H, W] (each pixel becomes a 2×2 block). */
    public static NDArray upsampleNearest2x(NDArray x) {
        long b = x.getShape().get(0);
        long c = x.getShape().get(1);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        return x.reshape(b, c, h, 1, w, 1).broadcast(b, c, h, 2, w, 2).reshape(b, c, 2 * h, 2 * w);
    }
}
