package dev.tessera.retrieval.video;

/**
 * An example to find clips by: its codebook entries (any scale; compared by cosine) and the share of
 * the example each one holds, so a background covering 80 % of the patches counts for 80 %.
 */
public record ClipQuery(String backbone, float[][] entries, double[] shares) {

    public ClipQuery {
        if (entries.length == 0 || entries.length != shares.length) {
            throw new IllegalArgumentException("need one share per entry and at least one entry");
        }
    }

    /** The example is a clip, tokenized the same way as the stored ones. */
    public static ClipQuery of(IndexedClip clip) {
        return new ClipQuery(clip.backbone(), clip.codebook(), clip.shares());
    }

    public int dimension() {
        return entries[0].length;
    }
}
