package dev.tessera.retrieval.search;

import dev.tessera.retrieval.index.ChunkHit;
import java.util.List;

public record SearchResult(List<ChunkHit> hits, long tookMillis) {}
