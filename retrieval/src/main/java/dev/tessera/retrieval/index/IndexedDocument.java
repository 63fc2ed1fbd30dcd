package dev.tessera.retrieval.index;

import dev.tessera.retrieval.chunk.Chunk;
import dev.tessera.retrieval.document.Document;
import java.util.List;

/** A document with its chunks and one embedding per chunk, ready to be written. */
public record IndexedDocument(Document document, List<Chunk> chunks, List<float[]> vectors) {

    public IndexedDocument {
        if (chunks.size() != vectors.size()) {
            throw new IllegalArgumentException("one vector per chunk");
        }
    }

    /** @throws IllegalArgumentException when a vector is not of the index's dimension */
    public void requireDimension(int dimension) {
        for (float[] v : vectors) {
            if (v.length != dimension) {
                throw new IllegalArgumentException("vector of " + v.length + " dimensions, index has " + dimension);
            }
        }
    }
}
