package dev.tessera.tokenizers.audio.encodec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * EnCodec's {@code SLSTM}: the [C, T] map read as T steps of C-vectors through a unidirectional
 * multi-layer {@code nn.LSTM(C, C)} (PyTorch gate order i, f, g, o; both biases), plus the skip
 * {@code y = lstm(x) + x}. Runs {@code torch.lstm} itself (DJL's {@code NDArrayEx.lstm}), with the
 * initial (h, c) given, so windowed processing can carry the state from one window to the next.
 */
final class Slstm {

    private final NDList parameters;   // w_ih, w_hh, b_ih, b_hh per layer: torch's flat-weights order
    private final int layers;
    private final int width;

    Slstm(EncodecWeights weights, NDManager manager, String prefix, int width, int layers) {
        this.parameters = new NDList(4 * layers);
        for (int l = 0; l < layers; l++) {
            parameters.add(weights.array(prefix + ".weight_ih_l" + l, 4L * width, width));
            parameters.add(weights.array(prefix + ".weight_hh_l" + l, 4L * width, width));
            parameters.add(weights.array(prefix + ".bias_ih_l" + l, 4L * width));
            parameters.add(weights.array(prefix + ".bias_hh_l" + l, 4L * width));
        }
        this.layers = layers;
        this.width = width;
    }

    int width() {
        return width;
    }

    /** Hidden and cell state, each [layers, 1, width] flattened. */
    record State(float[] h, float[] c) {}

    State zeroState() {
        return new State(new float[layers * width], new float[layers * width]);
    }

    record Result(NDArray output, State state) {}

    /** x [B, C, T] → (lstm(x) + x) [B, C, T] from a zero state (training: a batch of segments). */
    NDArray apply(NDArray x) {
        NDArray sequence = x.transpose(2, 0, 1);   // [T, B, C]
        Shape stateShape = new Shape(layers, x.getShape().get(0), width);
        NDList hx = new NDList(x.getManager().zeros(stateShape, x.getDataType(), x.getDevice()),
                x.getManager().zeros(stateShape, x.getDataType(), x.getDevice()));
        NDList out = sequence.getNDArrayInternal().lstm(sequence, hx, parameters, true, layers, 0.0, false, false, false);
        return out.get(0).add(sequence).transpose(1, 2, 0);
    }

    /** x [1, C, T] → (lstm(x) + x) [1, C, T] and the state after the last step. */
    Result apply(NDArray x, State state) {
        NDManager m = x.getManager();
        NDArray sequence = x.transpose(2, 0, 1);   // [T, 1, C]
        Shape stateShape = new Shape(layers, 1, width);
        NDList hx = new NDList(m.create(state.h(), stateShape).toDevice(x.getDevice(), false),
                m.create(state.c(), stateShape).toDevice(x.getDevice(), false));
        NDList out = sequence.getNDArrayInternal().lstm(sequence, hx, parameters, true, layers, 0.0, false, false, false);
        NDArray y = out.get(0).add(sequence).transpose(1, 2, 0);
        return new Result(y, new State(out.get(1).toFloatArray(), out.get(2).toFloatArray()));
    }
}
