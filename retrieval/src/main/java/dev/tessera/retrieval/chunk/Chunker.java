package dev.tessera.retrieval.chunk;

import java.util.List;

/** Splits a document's text into chunks that keep their character offsets in the source. */
public interface Chunker {

    List<Chunk> chunk(String text);
}
