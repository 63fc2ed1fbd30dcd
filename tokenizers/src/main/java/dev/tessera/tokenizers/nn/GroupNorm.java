package dev.tessera.tokenizers.nn;

import ai.djl.ndarray.NDArray;
import dev.tessera.tokenizers.weights.MalformedWeightsException;

/**
 * GroupNorm on [B, C, H, W]: statistics per sample over each group of C/groups channels and all
 * pixels (biased variance), then a per-channel affine transform. DJL has no group norm op, so it
 * is written with reshape + mean.
 */
public record GroupNorm(int groups, NDArray weight, NDArray bias, float eps) {

    public static GroupNorm load(NamedWeights weights, String prefix, long channels, int groups, float eps)
            throws MalformedWeightsException {
        if (channels % groups != 0) {
            throw new MalformedWeightsException(weights.file().path(), prefix + ": " + channels
                    + " channels cannot be split into " + groups + " groups");
        }
        // Stored as [C, 1, 1] so it broadcasts over [B, C, H, W].
        NDArray w = weights.get(prefix + ".weight", channels).reshape(channels, 1, 1);
        NDArray b = weights.get(prefix + ".bias", channels).reshape(channels, 1, 1);
        return new GroupNorm(groups, w, b, eps);
    }

    public NDArray apply(NDArray x) {
        long batch = x.getShape().get(0);
        NDArray grouped = x.reshape(batch, groups, -1);
        NDArray centred = grouped.sub(grouped.mean(new int[] {2}, true));
        NDArray variance = centred.square().mean(new int[] {2}, true);
        NDArray normalised = centred.div(variance.add(eps).sqrt()).reshape(x.getShape());
        return normalised.mul(weight).add(bias);
    }
}
