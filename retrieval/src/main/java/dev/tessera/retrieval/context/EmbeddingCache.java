package dev.tessera.retrieval.context;

import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.embed.Embedder.Role;
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
