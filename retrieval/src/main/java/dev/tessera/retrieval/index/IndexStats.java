package dev.tessera.retrieval.index;

/** What an operator wants to know about an index at a glance. */
public record IndexStats(
        long documents, long chunks, long vectors, int segments, long sizeOnDiskBytes, String vectorEngine,
        String embeddingModel, int dimension) {}
