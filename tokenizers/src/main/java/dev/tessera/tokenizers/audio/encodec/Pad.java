package dev.tessera.tokenizers.audio.encodec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/** EnCodec's {@code pad1d} on the last axis of [B, C, L]. */
final class Pad {

    private Pad() {}

    /**
     * Pads {@code left} / {@code right} samples. Reflect mode mirrors without repeating the edge
     * sample; when the input is not longer than the larger padding it is first extended with
     * {@code max − L + 1} zeros, reflect-padded, and that many samples are dropped from the end
     * (the official rule). Otherwise zeros.
     */
    static NDArray pad1d(NDArray x, int left, int right, boolean reflect) {
        if (left == 0 && right == 0) {
            return x;
        }
        if (!reflect) {
            return x.pad(new Shape(left, right), 0);
        }
        long length = x.getShape().get(2);
        int maxPad = Math.max(left, right);
        int extra = 0;
        if (length <= maxPad) {
            extra = (int) (maxPad - length + 1);
            x = x.pad(new Shape(0, extra), 0);
            length += extra;
        }
        NDList parts = new NDList(3);
        if (left > 0) {
            parts.add(x.get(":, :, 1:" + (left + 1)).flip(2));
        }
        parts.add(x);
        if (right > 0) {
            parts.add(x.get(":, :, " + (length - 1 - right) + ":" + (length - 1)).flip(2));
        }
        NDArray padded = NDArrays.concat(parts, 2);
        if (extra > 0) {
            padded = padded.get(":, :, :" + (padded.getShape().get(2) - extra));
        }
        return padded;
    }
}
