package dev.tessera.tokenizers.audio.encodec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * SEANet residual block of width W: {@code shortcut(x) + conv1x1(ELU(convK(ELU(x))))} with
 * convK: W → W/compress (kernel {@code residual_kernel_size}, dilation {@code rate^j}),
 * conv1x1: W/compress → W, shortcut a 1×1 conv (or identity without {@code use_conv_shortcut}).
 * The convs sit at indices 1 and 3 of the block's module list (0 and 2 are the ELUs).
 */
final class ResnetBlock implements Layer {

    private final List<SConv1d> convs;
    private final SConv1d shortcut;   // null = identity
    private final int paddingSum;
    private final int minInput;

    ResnetBlock(EncodecWeights weights, NDManager manager, String side, int index, int dim, int dilation,
                EncodecConfig config) {
        int hidden = dim / config.compress();
        int k = config.residualKernelSize();
        this.convs = List.of(
                new SConv1d(weights, manager, weights.blockConv(side, index, 1), dim, hidden, k, 1, dilation, config),
                new SConv1d(weights, manager, weights.blockConv(side, index, 3), hidden, dim, 1, 1, 1, config));
        this.paddingSum = (k - 1) * dilation;
        this.minInput = convs.stream().mapToInt(SConv1d::minInputSteps).max().orElse(1);
        String shortcutPrefix = weights.shortcut(side, index);
        if (config.useConvShortcut()) {
            this.shortcut = new SConv1d(weights, manager, shortcutPrefix, dim, dim, 1, 1, 1, config);
        } else {
            if (weights.hasAny(shortcutPrefix)) {
                throw weights.problem("the checkpoint has a conv shortcut (" + shortcutPrefix
                        + ".*) but config.json says use_conv_shortcut = false");
            }
            this.shortcut = null;
        }
    }

    @Override
    public NDArray apply(NDArray x) {
        NDArray y = x;
        for (SConv1d conv : convs) {
            y = conv.apply(Layer.ELU.apply(y));
        }
        return (shortcut == null ? x : shortcut.apply(x)).add(y);
    }

    @Override
    public int lookback(int outputLookback) {
        return outputLookback + paddingSum;
    }

    @Override
    public int minInputSteps() {
        return minInput;
    }
}
