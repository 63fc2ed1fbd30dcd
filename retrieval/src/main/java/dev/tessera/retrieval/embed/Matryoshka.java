package dev.tessera.retrieval.embed;

import java.util.Arrays;

/**
 * Shorter vectors from a Matryoshka-trained embedding: the first {@code dimensions} values,
 * L2-normalised again, which is what OpenAI's {@code dimensions} parameter returns. For models not
 * trained that way the prefix still works but loses more quality per dropped value.
 */
public final class Matryoshka {

    private Matryoshka() {}

    public static float[] truncate(float[] vector, int dimensions) {
        if (dimensions < 1 || dimensions > vector.length) {
            throw new IllegalArgumentException("dimensions must be between 1 and " + vector.length + ", was " + dimensions);
        }
        float[] out = Arrays.copyOf(vector, dimensions);
        VectorMath.normalizeInPlace(out);
        return out;
    }
}
