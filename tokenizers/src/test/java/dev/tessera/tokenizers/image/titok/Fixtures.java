package dev.tessera.tokenizers.image.titok;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the conformance fixtures copied from shared/fixtures (raw little-endian files). */
final class Fixtures {

    static final int IMAGES = 4;

    private Fixtures() {}

    static Path dir(String fixture) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + fixture).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static float[] floats(Path file) {
        ByteBuffer buf = bytes(file);
        float[] out = new float[buf.remaining() / 4];
        buf.asFloatBuffer().get(out);
        return out;
    }

    static int[] ints(Path file) {
        ByteBuffer buf = bytes(file);
        int[] out = new int[buf.remaining() / 4];
        buf.asIntBuffer().get(out);
        return out;
    }

    static List<float[]> inputs(String fixture) {
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            images.add(floats(dir(fixture).resolve("inputs/image_" + i + ".f32")));
        }
        return images;
    }

    static float[] expected(String fixture, int image, String stage) {
        return floats(dir(fixture).resolve("expected/image_" + image + "." + stage + ".f32"));
    }

    static int[] expectedTokens(String fixture, int image) {
        return ints(dir(fixture).resolve("expected/image_" + image + ".tokens.i32"));
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    private static ByteBuffer bytes(Path file) {
        try {
            return ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
