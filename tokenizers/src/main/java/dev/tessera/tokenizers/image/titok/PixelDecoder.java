package dev.tessera.tokenizers.image.titok;

import ai.djl.ndarray.NDArray;
import dev.tessera.tokenizers.nn.Activations;
import dev.tessera.tokenizers.nn.Conv2d;
import dev.tessera.tokenizers.nn.GroupNorm;
import dev.tessera.tokenizers.nn.NamedWeights;
import dev.tessera.tokenizers.nn.ScopedStep;
import dev.tessera.tokenizers.weights.MalformedWeightsException;
import java.util.ArrayList;
import java.util.List;

/**
 * The MaskGIT-VQGAN decoder that the two-stage TiTok models carry (no attention): conv_in 3×3,
 * mid res blocks, then levels from the highest index down — res blocks, and except at level 0 a
 * nearest ×2 upsample with a 3×3 conv — then GroupNorm, SiLU, conv_out 3×3 to RGB.
 */
final class PixelDecoder {

    /**
     * GN → SiLU → conv3×3 → GN → SiLU → conv3×3 (convs without bias). The reference quirk: when the
     * width changes, the shortcut is {@code nin_shortcut(h)} of the block's own output h, not of its input.
     */
    private record ResnetBlock(GroupNorm norm1, Conv2d conv1, GroupNorm norm2, Conv2d conv2, Conv2d ninShortcut) {

        static ResnetBlock load(NamedWeights weights, String prefix, long in, long out, int groups, float eps)
                throws MalformedWeightsException {
            return new ResnetBlock(
                    GroupNorm.load(weights, prefix + ".norm1", in, groups, eps),
                    Conv2d.same(weights, prefix + ".conv1", in, out, 3, false),
                    GroupNorm.load(weights, prefix + ".norm2", out, groups, eps),
                    Conv2d.same(weights, prefix + ".conv2", out, out, 3, false),
                    in != out ? Conv2d.same(weights, prefix + ".nin_shortcut", out, out, 1, false) : null);
        }

        NDArray apply(NDArray x) {
            NDArray h = conv1.apply(Activations.silu(norm1.apply(x)));
            h = conv2.apply(Activations.silu(norm2.apply(h)));
            return h.add(ninShortcut != null ? ninShortcut.apply(h) : x);
        }
    }

    private record Level(List<ResnetBlock> blocks, Conv2d upsampleConv) {}

    private final Conv2d convIn;
    private final List<ResnetBlock> mid = new ArrayList<>();
    private final List<Level> levels = new ArrayList<>();
    private final GroupNorm normOut;
    private final Conv2d convOut;

    PixelDecoder(TiTokConfig.PixelDecoder shape, NamedWeights weights) throws MalformedWeightsException {
        int groups = shape.groups();
        float eps = shape.eps();
        long top = shape.topChannels();
        convIn = Conv2d.same(weights, "pixel_decoder.conv_in", shape.zChannels(), top, 3, true);
        for (int i = 0; i < shape.midBlocks(); i++) {
            mid.add(ResnetBlock.load(weights, "pixel_decoder.mid." + i, top, top, groups, eps));
        }
        for (int level = 0; level < shape.levels(); level++) {
            long out = shape.levelChannels().get(level);
            long in = level == shape.levels() - 1 ? top : shape.levelChannels().get(level + 1);
            List<ResnetBlock> blocks = new ArrayList<>();
            for (int j = 0; j < shape.resBlocksPerLevel(); j++) {
                blocks.add(ResnetBlock.load(weights, "pixel_decoder.up." + level + ".block." + j,
                        j == 0 ? in : out, out, groups, eps));
            }
            Conv2d upsample = level != 0
                    ? Conv2d.same(weights, "pixel_decoder.up." + level + ".upsample_conv", out, out, 3, true)
                    : null;
            levels.add(new Level(blocks, upsample));
        }
        long bottom = shape.levelChannels().getFirst();
        normOut = GroupNorm.load(weights, "pixel_decoder.norm_out", bottom, groups, eps);
        convOut = Conv2d.same(weights, "pixel_decoder.conv_out", bottom, 3, 3, true);
    }

    /** Pixel latents [B, z, g, g] → RGB [B, 3, S, S], not clamped. */
    NDArray forward(NDArray latents) {
        NDArray x = convIn.apply(latents);
        for (ResnetBlock block : mid) {
            x = step(x, block::apply);
        }
        for (int level = levels.size() - 1; level >= 0; level--) {
            Level l = levels.get(level);
            for (ResnetBlock block : l.blocks()) {
                x = step(x, block::apply);
            }
            if (l.upsampleConv() != null) {
                x = step(x, in -> l.upsampleConv().apply(Activations.upsampleNearest2x(in)));
            }
        }
        NDArray in = x;
        return ScopedStep.run(() -> convOut.apply(Activations.silu(normOut.apply(in))));
    }

    /** Runs one step and frees its input at once: full-resolution activations are large. */
    private static NDArray step(NDArray x, java.util.function.UnaryOperator<NDArray> f) {
        NDArray out = ScopedStep.run(() -> f.apply(x));
        x.close();
        return out;
    }
}
