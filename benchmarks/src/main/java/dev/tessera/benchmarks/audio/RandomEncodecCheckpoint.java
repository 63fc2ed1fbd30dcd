package dev.tessera.benchmarks.audio;

import dev.tessera.tokenizers.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A checkpoint folder of the full-size EnCodec 24 kHz model (facebook/encodec_24khz's shapes: 32
 * base filters, 512-wide LSTMs, 128-d latents, 32 codebooks of 1,024) filled with seeded random
 * values, in the hub's layout and transformers names. For timing only: the real weights cannot be
 * fetched here, and speed does not depend on the values.
 */
final class RandomEncodecCheckpoint {

    private static final int FILTERS = 32;
    private static final int HIDDEN = 128;
    private static final int CODEBOOK = 1024;
    private static final int CODEBOOKS = 32;
    private static final int[] ENCODER_STRIDES = {2, 4, 5, 8};

    private RandomEncodecCheckpoint() {}

    static Path write(Path dir, Path fixtureConfig, long seed) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(seed);
        SafetensorsWriter w = new SafetensorsWriter();
        // Filter norms (weight_g) as the conformance fixture chose them, so activations stay O(1): random
        // weights at the wrong scale drive ELU/LSTM gates into denormal floats, which distorts the timing.
        conv(w, random, "encoder.layers.0.conv", FILTERS, 1, 7, 4.0f);
        int width = FILTERS;
        for (int i = 0; i < 4; i++) {
            residual(w, random, "encoder.layers." + (1 + 3 * i), width);
            conv(w, random, "encoder.layers." + (3 + 3 * i) + ".conv", 2 * width, width, 2 * ENCODER_STRIDES[i], 1.6f);
            width *= 2;
        }
        lstm(w, random, "encoder.layers.13.lstm", width);
        conv(w, random, "encoder.layers.15.conv", HIDDEN, width, 7, 2.0f);
        conv(w, random, "decoder.layers.0.conv", width, HIDDEN, 7, 1.6f);
        lstm(w, random, "decoder.layers.1.lstm", width);
        for (int i = 0; i < 4; i++) {
            int stride = ENCODER_STRIDES[3 - i];
            String name = "decoder.layers." + (3 + 3 * i) + ".conv";
            // ConvTranspose1d: v is [in, out, k], g is [in, 1, 1], bias [out].
            w.add(name + ".weight_v", new long[] {width, width / 2, 2L * stride}, gaussian(random, width * width / 2 * 2 * stride, 1));
            w.add(name + ".weight_g", new long[] {width, 1, 1}, filled(width, (float) Math.sqrt(stride / 2.0)));
            w.add(name + ".bias", new long[] {width / 2}, new float[width / 2]);
            width /= 2;
            residual(w, random, "decoder.layers." + (4 + 3 * i), width);
        }
        conv(w, random, "decoder.layers.15.conv", 1, width, 7, 0.5f);
        for (int q = 0; q < CODEBOOKS; q++) {
            String name = "quantizer.layers." + q + ".codebook";
            float[] embed = gaussian(random, CODEBOOK * HIDDEN, Math.pow(0.75, q));   // residuals shrink per stage
            w.add(name + ".inited", new long[] {1}, new float[] {1});
            w.add(name + ".cluster_size", new long[] {CODEBOOK}, filled(CODEBOOK, 1));
            w.add(name + ".embed", new long[] {CODEBOOK, HIDDEN}, embed);
            w.add(name + ".embed_avg", new long[] {CODEBOOK, HIDDEN}, embed);
        }
        w.write(dir.resolve("model.safetensors"));
        JsonMapper json = JsonMapper.builder().build();
        ObjectNode config = (ObjectNode) json.readTree(Files.readString(fixtureConfig));
        config.remove("_fixture");
        config.put("num_filters", FILTERS);
        config.put("hidden_size", HIDDEN);
        config.put("codebook_size", CODEBOOK);
        config.put("codebook_dim", HIDDEN);
        var bandwidths = config.putArray("target_bandwidths");
        List.of(1.5, 3.0, 6.0, 12.0, 24.0).forEach(bandwidths::add);
        Files.writeString(dir.resolve("config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        Files.copy(fixtureConfig.resolveSibling("preprocessor_config.json"), dir.resolve("preprocessor_config.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    private static void conv(SafetensorsWriter w, Random random, String name, int out, int in, int kernel, float gain) {
        w.add(name + ".weight_v", new long[] {out, in, kernel}, gaussian(random, out * in * kernel, 1));
        w.add(name + ".weight_g", new long[] {out, 1, 1}, filled(out, gain));
        w.add(name + ".bias", new long[] {out}, new float[out]);
    }

    private static void residual(SafetensorsWriter w, Random random, String prefix, int width) {
        float gain = (float) Math.sqrt(0.5);
        conv(w, random, prefix + ".block.1.conv", width / 2, width, 3, gain);
        conv(w, random, prefix + ".block.3.conv", width, width / 2, 1, gain);
        conv(w, random, prefix + ".shortcut.conv", width, width, 1, gain);
    }

    private static void lstm(SafetensorsWriter w, Random random, String name, int width) {
        double scale = 1 / Math.sqrt(width);
        for (int layer = 0; layer < 2; layer++) {
            w.add(name + ".weight_ih_l" + layer, new long[] {4L * width, width}, gaussian(random, 4 * width * width, scale));
            w.add(name + ".weight_hh_l" + layer, new long[] {4L * width, width}, gaussian(random, 4 * width * width, scale));
            w.add(name + ".bias_ih_l" + layer, new long[] {4L * width}, new float[4 * width]);
            w.add(name + ".bias_hh_l" + layer, new long[] {4L * width}, new float[4 * width]);
        }
    }

    private static float[] gaussian(Random random, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * scale);
        }
        return v;
    }

    private static float[] filled(int n, float value) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, value);
        return v;
    }
}
