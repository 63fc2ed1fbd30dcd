package dev.tessera.retrieval.context;

import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.embed.Embedder.Role;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.SpanVectors;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Embeds texts through a bounded LRU cache keyed by a SHA-256 of role and content, so candidates
 * that come back in later requests cost nothing. Misses are embedded in batches.
 */
public final class EmbeddingCache {

    public static final int DEFAULT_CAPACITY = 20_000;
    private static final int BATCH = 64;

    private final Embedder embedder;
    private final Map<String, float[]> lru;
    private long hits;
    private long misses;
    private long offered;

    public EmbeddingCache(Embedder embedder, int capacity) {
        this.embedder = embedder;
        this.lru = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                return size() > capacity;
            }
        };
    }

    public Embedder embedder() {
        return embedder;
    }

    /** One vector per text, in order; the returned arrays are shared with the cache, so do not modify them. */
    public List<float[]> embed(List<String> texts, Role role) {
        List<String> keys = texts.stream().map(t -> key(role, t)).toList();
        float[][] out = new float[texts.size()][];
        List<Integer> missing = new ArrayList<>();
        synchronized (lru) {
            for (int i = 0; i < texts.size(); i++) {
                out[i] = lru.get(keys.get(i));
                if (out[i] == null) missing.add(i);
            }
            hits += texts.size() - missing.size();
            misses += missing.size();
        }
        for (int from = 0; from < missing.size(); from += BATCH) {
            List<Integer> batch = missing.subList(from, Math.min(missing.size(), from + BATCH));
            List<float[]> vectors = embedder.embed(batch.stream().map(texts::get).toList(), role);
            synchronized (lru) {
                for (int j = 0; j < batch.size(); j++) {
                    int i = batch.get(j);
                    out[i] = vectors.get(j);
                    lru.put(keys.get(i), out[i]);
                }
            }
        }
        return List.of(out);
    }

    /**
     * Takes vectors computed at ingest for spans of stored chunks ({@link ContextPrecompute}), so that
     * assembling from these candidates embeds nothing it was given. Each span's text is keyed as a
     * document text, as if it had been embedded here; spans the assembler does not ask for cost a
     * little memory only. The caller makes sure the vectors are of this cache's model.
     */
    public void offer(List<ChunkHit> hits, Map<String, SpanVectors> byChunk) {
        List<String> keys = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        for (ChunkHit hit : hits) {
            SpanVectors units = byChunk.get(hit.chunkId());
            if (units == null || units.dimension() != embedder.dimension()) continue;
            for (SpanVectors.Span s : units.spans()) {
                if (s.end() > hit.text().length() || s.start() < 0 || s.start() >= s.end()) continue;
                keys.add(key(Role.DOCUMENT, hit.text().substring(s.start(), s.end())));
                vectors.add(s.vector());
            }
        }
        synchronized (lru) {
            for (int i = 0; i < keys.size(); i++) {
                lru.putIfAbsent(keys.get(i), vectors.get(i));
            }
            offered += keys.size();
        }
    }

    /** Span vectors taken by {@link #offer}. */
    public long offered() {
        synchronized (lru) {
            return offered;
        }
    }

    public float[] embed(String text, Role role) {
        return embed(List.of(text), role).getFirst();
    }

    public long hits() {
        synchronized (lru) {
            return hits;
        }
    }

    public long misses() {
        synchronized (lru) {
            return misses;
        }
    }

    private static String key(Role role, String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((byte) role.ordinal());
            return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
