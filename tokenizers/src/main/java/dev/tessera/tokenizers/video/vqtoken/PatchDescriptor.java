package dev.tessera.tokenizers.video.vqtoken;

import java.util.ArrayList;
import java.util.List;

/**
 * The built-in, weight-free backbone: for every {@code patch × patch} square, its colour moments
 * (per-channel mean, mapped to [−1, 1], and standard deviation) and the 8 lowest non-DC 2D DCT-II
 * coefficients of its luminance (u, v ≤ 2), plus a constant so no vector is zero. Colour and
 * coarse texture, nothing semantic: answers label it as such.
 */
public final class PatchDescriptor implements PatchEmbedder {

    public static final String NAME = "patch-descriptor (weight-free: colour moments + low-frequency DCT)";
    private static final int DIMENSION = 3 + 3 + 8 + 1;

    private final int frameSize;
    private final int patch;
    private final double[][] cosines;   // [freq 0..2][pixel]

    public PatchDescriptor(int frameSize, int patch) {
        if (frameSize % patch != 0) {
            throw new IllegalArgumentException("frame size " + frameSize + " is not a multiple of the patch " + patch);
        }
        this.frameSize = frameSize;
        this.patch = patch;
        cosines = new double[3][patch];
        for (int u = 0; u < 3; u++) {
            for (int x = 0; x < patch; x++) {
                cosines[u][x] = Math.cos(Math.PI * (2 * x + 1) * u / (2.0 * patch)) * Math.sqrt((u == 0 ? 1.0 : 2.0) / patch);
            }
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int frameSize() {
        return frameSize;
    }

    @Override
    public int grid() {
        return frameSize / patch;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public List<float[]> embed(List<float[]> frames) {
        List<float[]> out = new ArrayList<>(frames.size());
        for (float[] frame : frames) {
            out.add(embedFrame(frame));
        }
        return out;
    }

    private float[] embedFrame(float[] chw) {
        int g = grid();
        int plane = frameSize * frameSize;
        float[] out = new float[g * g * DIMENSION];
        double n = patch * patch;
        double[] lum = new double[patch * patch];
        for (int py = 0; py < g; py++) {
            for (int px = 0; px < g; px++) {
                int o = (py * g + px) * DIMENSION;
                for (int c = 0; c < 3; c++) {
                    double sum = 0;
                    double sq = 0;
                    for (int y = 0; y < patch; y++) {
                        int row = c * plane + (py * patch + y) * frameSize + px * patch;
                        for (int x = 0; x < patch; x++) {
                            double v = chw[row + x];
                            sum += v;
                            sq += v * v;
                        }
                    }
                    double mean = sum / n;
                    out[o + c] = (float) (2 * mean - 1);
                    out[o + 3 + c] = (float) Math.sqrt(Math.max(0, sq / n - mean * mean));
                }
                for (int y = 0; y < patch; y++) {
                    for (int x = 0; x < patch; x++) {
                        int at = (py * patch + y) * frameSize + px * patch + x;
                        lum[y * patch + x] = 0.299 * chw[at] + 0.587 * chw[plane + at] + 0.114 * chw[2 * plane + at];
                    }
                }
                int k = 6;
                for (int v = 0; v < 3; v++) {
                    for (int u = 0; u < 3; u++) {
                        if (u == 0 && v == 0) {
                            continue;   // DC is the mean, already there
                        }
                        double coefficient = 0;
                        for (int y = 0; y < patch; y++) {
                            for (int x = 0; x < patch; x++) {
                                coefficient += lum[y * patch + x] * cosines[u][x] * cosines[v][y];
                            }
                        }
                        out[o + k++] = (float) (coefficient / patch);
                    }
                }
                out[o + DIMENSION - 1] = 0.25f;
            }
        }
        return out;
    }
}
