package dev.tessera.retrieval.context;

import dev.tessera.retrieval.index.ChunkHit;
import java.util.ArrayList;
import java.util.List;

/** Builds candidate lists for tests. */
public final class Hits {

    private Hits() {}

    public static ChunkHit hit(String docId, String text) {
        return new ChunkHit(docId, docId + "#0", 0, 1f, docId, text, 0, text.length(), List.of());
    }

    public static List<ChunkHit> of(String... texts) {
        List<ChunkHit> out = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            ChunkHit h = hit("d" + i, texts[i]);
            out.add(h.withScore(1f / (i + 1)));
        }
        return out;
    }
}
