package dev.tessera.tokenizers.audio.encodec;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * One side of the SEANet codec, split at its LSTM: {@code pre} (causal convs), the stateful
 * {@code lstm}, {@code post} (causal convs). Built from the layer list of the official
 * {@code SEANetEncoder} / {@code SEANetDecoder} (= transformers' {@code EncodecEncoder} /
 * {@code EncodecDecoder}), whose indices name the weights.
 *
 * <p>Encoder: conv K (channels → F); per stride of the reversed ratios: residual blocks, ELU,
 * conv 2S/S doubling the width; LSTM; ELU; conv (→ hidden). Decoder: conv K (hidden → F·2^n);
 * LSTM; per stride: ELU, transposed conv 2S/S halving the width, residual blocks; ELU; conv (→ channels).
 */
record Seanet(Stack pre, Slstm lstm, Stack post) {

    static Seanet encoder(EncodecConfig c, EncodecWeights w, NDManager m) {
        String side = "encoder";
        int index = 0;
        int f = c.numFilters();
        List<Layer> pre = new ArrayList<>();
        pre.add(new SConv1d(w, m, w.conv(side, index++), c.audioChannels(), f, c.kernelSize(), 1, 1, c));
        int scale = 1;
        for (int ratio : c.upsamplingRatios().reversed()) {
            int width = scale * f;
            for (int j = 0; j < c.numResidualLayers(); j++) {
                pre.add(new ResnetBlock(w, m, side, index++, width, pow(c.dilationGrowthRate(), j), c));
            }
            pre.add(Layer.ELU);
            index++;
            pre.add(new SConv1d(w, m, w.conv(side, index++), width, width * 2, ratio * 2, ratio, 1, c));
            scale *= 2;
        }
        Slstm lstm = new Slstm(w, m, w.lstm(side, index++), scale * f, c.numLstmLayers());
        List<Layer> post = new ArrayList<>();
        post.add(Layer.ELU);
        index++;
        post.add(new SConv1d(w, m, w.conv(side, index), scale * f, c.hiddenSize(), c.lastKernelSize(), 1, 1, c));
        return new Seanet(new Stack(pre, c.hopLength()), lstm, new Stack(post, 1));
    }

    static Seanet decoder(EncodecConfig c, EncodecWeights w, NDManager m) {
        String side = "decoder";
        int index = 0;
        int f = c.numFilters();
        int scale = 1 << c.upsamplingRatios().size();
        List<Layer> pre = new ArrayList<>();
        pre.add(new SConv1d(w, m, w.conv(side, index++), c.hiddenSize(), scale * f, c.kernelSize(), 1, 1, c));
        Slstm lstm = new Slstm(w, m, w.lstm(side, index++), scale * f, c.numLstmLayers());
        List<Layer> post = new ArrayList<>();
        for (int ratio : c.upsamplingRatios()) {
            int width = scale * f;
            post.add(Layer.ELU);
            index++;
            post.add(new SConvTranspose1d(w, m, w.convTranspose(index++), width, width / 2, ratio * 2, ratio, c));
            for (int j = 0; j < c.numResidualLayers(); j++) {
                post.add(new ResnetBlock(w, m, side, index++, width / 2, pow(c.dilationGrowthRate(), j), c));
            }
            scale /= 2;
        }
        post.add(Layer.ELU);
        index++;
        post.add(new SConv1d(w, m, w.conv(side, index), f, c.audioChannels(), c.lastKernelSize(), 1, 1, c));
        return new Seanet(new Stack(pre, 1), lstm, new Stack(post, 1));
    }

    private static int pow(int base, int exponent) {
        int r = 1;
        for (int i = 0; i < exponent; i++) {
            r = Math.multiplyExact(r, base);
        }
        return r;
    }
}
