package dev.tessera.tokenizers.image;

import java.util.List;

/** Turns square RGB images into a short sequence of discrete token ids and back. */
public interface ImageTokenizer extends AutoCloseable {
    String name();
    int imageSize();          // square input side in pixels (256 for public models, 32 for fixtures)
    int numTokens();          // N latent tokens per image
    int codebookSize();
    long parameterCount();
    String device();          // e.g. "cpu()" / "gpu(0)"
    /** Images as float[3*S*S] CHW RGB in [0,1] (S = imageSize()); one forward pass for the whole batch. */
    int[][] tokenize(List<float[]> images);
    /** Token ids (each exactly numTokens(), each in [0, codebookSize())) to CHW float images, NOT clamped. One forward pass. Throws IllegalArgumentException on wrong count / out-of-range ids. */
    List<float[]> detokenize(List<int[]> tokens);
    void close();
}
