package dev.tessera.retrieval.index;

import dev.tessera.retrieval.chunk.Chunk;
import java.util.List;
import java.util.Map;

/** A document as read back from the index. */
public record StoredDocument(String id, String title, String text, Map<String, Object> metadata, List<Chunk> chunks) {}
