package dev.tessera.tokenizers.video.vqtoken;

import java.util.List;

/** Per-patch vectors of sampled frames: the backbone VQToken clusters. */
public interface PatchEmbedder {

    /** What the vectors are, as answers report it (e.g. "patch-descriptor (weight-free)"). */
    String name();

    /** Side of the square frames it takes. */
    int frameSize();

    /** Patches per frame side: each frame gives grid × grid vectors. */
    int grid();

    int dimension();

    /** Frames CHW [0, 1] → per frame grid² vectors in raster order, flattened [grid² × dimension]. */
    List<float[]> embed(List<float[]> frames);
}
