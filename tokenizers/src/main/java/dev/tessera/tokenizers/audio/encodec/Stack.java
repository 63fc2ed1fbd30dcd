package dev.tessera.tokenizers.audio.encodec;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A run of causal layers with a finite receptive field (the parts of the encoder and decoder on
 * either side of the LSTM), with what windowed processing needs: how many frames of left context
 * make its outputs for the new frames exactly those of the one-shot pass, and how many frames a
 * first window needs so that its left padding is the one-shot one.
 */
final class Stack {

    private final List<Layer> layers;
    private final int inStepsPerFrame;
    private final int outStepsPerFrame;
    private final int contextFrames;
    private final int minFrames;

    /** @param inStepsPerFrame input steps per model frame (hop for audio in, 1 for latent frames) */
    Stack(List<Layer> layers, int inStepsPerFrame) {
        this.layers = List.copyOf(layers);
        this.inStepsPerFrame = inStepsPerFrame;
        int spf = inStepsPerFrame;
        int min = 1;
        for (Layer layer : this.layers) {
            min = Math.max(min, ceilDiv(layer.minInputSteps(), spf));
            spf = spf / layer.downsample() * layer.upsample();
        }
        this.outStepsPerFrame = spf;
        int lookback = 0;
        for (int i = this.layers.size() - 1; i >= 0; i--) {
            lookback = this.layers.get(i).lookback(lookback);
        }
        // One frame beyond the exact receptive field as a margin, and never less than a first window.
        this.contextFrames = Math.max(ceilDiv(lookback, inStepsPerFrame) + 1, min);
        this.minFrames = min;
    }

    private static int ceilDiv(int a, int b) {
        return Math.floorDiv(a + b - 1, b);
    }

    NDArray apply(NDArray x) {
        for (Layer layer : layers) {
            x = layer.apply(x);
        }
        return x;
    }

    int inStepsPerFrame() {
        return inStepsPerFrame;
    }

    int outStepsPerFrame() {
        return outStepsPerFrame;
    }

    /** Frames of real input to put before a window (and drop from its output). */
    int contextFrames() {
        return contextFrames;
    }

    /** Frames a first window (without context) needs to be padded as the one-shot pass is. */
    int minFrames() {
        return minFrames;
    }
}
