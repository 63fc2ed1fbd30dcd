package dev.tessera.tokenizers.audio.encodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the encodec-tiny conformance fixture from test resources (raw little-endian files). */
final class EncodecFixture {

    static final int CLIPS = 4;
    /** Codebooks per bandwidth tag: nq2 = 0.9 kbps, nq4 = 1.8 kbps. */
    static final int[] CODEBOOKS = {2, 4};

    private EncodecFixture() {}

    static Path dir() {
        try {
            return Path.of(EncodecFixture.class.getResource("/fixtures/encodec-tiny").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static float[] input(int clip) {
        return floats(dir().resolve("inputs/clip_" + clip + ".f32"));
    }

    /** expected/clip_i.STAGE.f32 (encoder side) */
    static float[] expected(int clip, String stage) {
        return floats(dir().resolve("expected/clip_" + clip + "." + stage + ".f32"));
    }

    /** expected/clip_i.nqK.STAGE.f32 (decoder side) */
    static float[] expected(int clip, int codebooks, String stage) {
        return floats(dir().resolve("expected/clip_" + clip + ".nq" + codebooks + "." + stage + ".f32"));
    }

    /** expected/clip_i.nqK.codes.i32 as [K][T]. */
    static int[][] codes(int clip, int codebooks) {
        int[] flat = ints(dir().resolve("expected/clip_" + clip + ".nq" + codebooks + ".codes.i32"));
        int frames = flat.length / codebooks;
        int[][] out = new int[codebooks][frames];
        for (int q = 0; q < codebooks; q++) {
            System.arraycopy(flat, q * frames, out[q], 0, frames);
        }
        return out;
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
