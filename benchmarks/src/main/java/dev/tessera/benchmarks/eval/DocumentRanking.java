package dev.tessera.benchmarks.eval;

import dev.tessera.retrieval.index.ChunkHit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Turns a chunk ranking into a document ranking: each document at the rank of its best chunk. */
public final class DocumentRanking {

    private DocumentRanking() {}

    public static List<String> of(List<ChunkHit> hits) {
        LinkedHashSet<String> docs = new LinkedHashSet<>();
        for (ChunkHit hit : hits) {
            docs.add(hit.docId());
        }
        return new ArrayList<>(docs);
    }
}
