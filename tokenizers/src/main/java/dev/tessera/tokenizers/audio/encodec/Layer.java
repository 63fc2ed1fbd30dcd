package dev.tessera.tokenizers.audio.encodec;

import ai.djl.ndarray.NDArray;

/**
 * One module of a SEANet layer list, on channel-first [1, C, L] maps. Besides the forward pass a
 * layer states what windowed (streaming) processing needs to know about it: how far back its
 * outputs reach into its input, and the shortest input its padding handles as the one-shot pass does.
 */
interface Layer {

    NDArray apply(NDArray x);

    /**
     * Input steps before the first needed input position that outputs depend on, given that the
     * outputs needed reach {@code outputLookback} steps before the (frame-aligned) first needed one.
     */
    default int lookback(int outputLookback) {
        return outputLookback;
    }

    /** Shortest input (in steps) whose padding does not take the official zero-extension branch. */
    default int minInputSteps() {
        return 1;
    }

    /** Input steps per output step (stride of a downsampling conv). */
    default int downsample() {
        return 1;
    }

    /** Output steps per input step (stride of a transposed conv). */
    default int upsample() {
        return 1;
    }

    /** ELU with alpha 1 ({@code nn.ELU()}). */
    Layer ELU = x -> ai.djl.nn.Activation.elu(x, 1f);
}
