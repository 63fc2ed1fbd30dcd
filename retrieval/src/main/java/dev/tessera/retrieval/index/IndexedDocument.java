package dev.tessera.retrieval.index;

import dev.tessera.retrieval.chunk.Chunk;
import dev.tessera.retrieval.document.Document;
import java.util.List;

/**
 * A document with its chunks and one embedding per chunk, ready to be written; {@code spans}, when
 * not null, holds each chunk's precomputed span vectors for context assembly (an element may be null).
 */
public record IndexedDocument(Document document, List<Chunk> chunks, List<float[]> vectors, List<SpanVectors> spans) {

    public IndexedDocument {
        if (chunks.size() != vectors.size()) {
            throw new IllegalArgumentException("one vector per chunk");
        }
        if (spans != null && spans.size() != chunks.size()) {
            throw new IllegalArgumentException("one set of span vectors per chunk");
        }
    }

    public IndexedDocument(Document document, List<Chunk> chunks, List<float[]> vectors) {
        this(document, chunks, vectors, null);
    }

    /** The span vectors of chunk {@code i}, or null. */
    public SpanVectors spansOf(int i) {
        return spans == null ? null : spans.get(i);
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
