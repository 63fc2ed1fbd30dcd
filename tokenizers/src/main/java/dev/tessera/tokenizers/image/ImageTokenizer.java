package dev.tessera.tokenizers.image;

import java.util.List;

/** Turns square RGB images into a short sequence of discrete token ids and back. */
public interface ImageTokenizer extends AutoCloseable {

    /** Where a model reads captions. */
    enum Captions {
        /** Not at all: a caption is refused. */
        NONE,
        /** Only when detokenizing (TA-TiTok); tokenizing accepts and ignores one. */
        DECODER,
        /** When tokenizing and when detokenizing (TexTok mode); both need one. */
        ENCODER_AND_DECODER
    }

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

    default Captions captions() {
        return Captions.NONE;
    }

    /** The text model a caption-conditioned tokenizer reads captions with; null when it reads none. */
    default String captionEncoder() {
        return null;
    }

    /**
     * {@link #tokenize(List)} with one caption per image (null entries = no caption).
     *
     * @throws IllegalArgumentException when a caption is missing where the model needs one, or given to a model that reads none
     */
    default int[][] tokenize(List<float[]> images, List<String> captions) {
        refuseCaptions(captions);
        return tokenize(images);
    }

    /** {@link #detokenize(List)} with one caption per token list; same rules as {@link #tokenize(List, List)}. */
    default List<float[]> detokenize(List<int[]> tokens, List<String> captions) {
        refuseCaptions(captions);
        return detokenize(tokens);
    }

    private void refuseCaptions(List<String> captions) {
        if (captions != null && captions.stream().anyMatch(c -> c != null)) {
            throw new IllegalArgumentException("model " + name() + " was not trained with captions and does not take one");
        }
    }

    void close();
}
