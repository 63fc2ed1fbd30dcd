package dev.tessera.retrieval.video;

import java.util.Map;

/**
 * A tokenized video as the video index keeps it: the VQToken codebook (K entries of one backbone's
 * patch vectors), the position map {@code positions[(t·height + y)·width + x]} and the time of each
 * sampled frame. Nothing here depends on how the tokens were made, only on their shape.
 *
 * @param id        caller's id; storing the same id again replaces the clip
 * @param source    where the clip came from (file name or URL), for people reading hits
 * @param backbone  what the vectors are; only clips of the same backbone are compared
 */
public record IndexedClip(String id, String source, String backbone, Map<String, Object> metadata, int frames,
                          int height, int width, int[] positions, long[] timesMs, float[][] codebook) {

    public IndexedClip {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a clip needs an id");
        }
        if (backbone == null || backbone.isBlank()) {
            throw new IllegalArgumentException("a clip needs its backbone");
        }
        if (codebook.length == 0) {
            throw new IllegalArgumentException("a clip needs at least one codebook entry");
        }
        int dim = codebook[0].length;
        for (float[] e : codebook) {
            if (e.length != dim || dim == 0) {
                throw new IllegalArgumentException("codebook entries must share one non-zero dimension");
            }
        }
        if (frames < 1 || height < 1 || width < 1 || positions.length != frames * height * width) {
            throw new IllegalArgumentException("position map of " + positions.length + " for " + frames + " frames of "
                    + height + "×" + width);
        }
        if (timesMs.length != frames) {
            throw new IllegalArgumentException(timesMs.length + " frame times for " + frames + " frames");
        }
        for (int p : positions) {
            if (p < 0 || p >= codebook.length) {
                throw new IllegalArgumentException("position map refers to entry " + p + " of " + codebook.length);
            }
        }
        source = source == null ? "" : source;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public int dimension() {
        return codebook[0].length;
    }

    /** Share of all patches that each entry holds (sums to 1): how much of the clip an entry is. */
    public double[] shares() {
        double[] shares = new double[codebook.length];
        for (int p : positions) {
            shares[p]++;
        }
        for (int i = 0; i < shares.length; i++) {
            shares[i] /= positions.length;
        }
        return shares;
    }

    /** Clip length as sampled: last frame time plus one frame interval (0 for a single frame). */
    public long durationMs() {
        return frames == 1 ? 0 : timesMs[frames - 1] + (timesMs[frames - 1] - timesMs[frames - 2]);
    }
}
