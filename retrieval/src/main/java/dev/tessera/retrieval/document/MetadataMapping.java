package dev.tessera.retrieval.document;

import dev.tessera.retrieval.InvalidRequestException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The type of each metadata key of one collection, fixed by its first use (as a dynamic mapping is
 * in Elasticsearch). A key whose only values so far were empty arrays has no type yet.
 */
public final class MetadataMapping {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, MetadataType> types = new TreeMap<>();

    public MetadataMapping() {}

    public MetadataMapping(Map<String, MetadataType> types) {
        this.types.putAll(types);
    }

    /**
     * Checks normalised metadata against the mapping and adds its new keys; an integer under a
     * number key is accepted (and stored as a number).
     *
     * @return the metadata with each value in its key's type
     * @throws InvalidRequestException naming {@code metadata.<key>} when a value has another type
     */
    public synchronized Map<String, Object> admit(Map<String, Object> normalized) {
        Map<String, MetadataType> added = new LinkedHashMap<>();
        Map<String, Object> typed = new LinkedHashMap<>(normalized);
        for (Map.Entry<String, Object> e : normalized.entrySet()) {
            var scalars = Metadata.scalars(e.getValue());
            if (scalars.isEmpty()) {
                continue;
            }
            MetadataType value = MetadataType.of(scalars.getFirst());
            MetadataType known = types.getOrDefault(e.getKey(), added.get(e.getKey()));
            if (known == null) {
                added.put(e.getKey(), value);
            } else if (!known.admits(value)) {
                throw new InvalidRequestException("metadata." + e.getKey(), "metadata key '" + e.getKey() + "' holds "
                        + known.jsonName() + " values in this collection, not " + value.jsonName());
            } else if (known != value) { // an integer under a number key
                typed.put(e.getKey(), e.getValue() instanceof java.util.List<?> l
                        ? l.stream().map(v -> ((Number) v).doubleValue()).toList()
                        : ((Number) e.getValue()).doubleValue());
            }
        }
        types.putAll(added);
        return typed;
    }

    /** Checks metadata against the mapping without adding keys: an early, per-document 400. */
    public synchronized void check(Map<String, Object> normalized) {
        for (Map.Entry<String, Object> e : normalized.entrySet()) {
            var scalars = Metadata.scalars(e.getValue());
            MetadataType known = types.get(e.getKey());
            if (!scalars.isEmpty() && known != null && !known.admits(MetadataType.of(scalars.getFirst()))) {
                throw new InvalidRequestException("metadata." + e.getKey(), "metadata key '" + e.getKey() + "' holds "
                        + known.jsonName() + " values in this collection, not "
                        + MetadataType.of(scalars.getFirst()).jsonName());
            }
        }
    }

    public synchronized MetadataType typeOf(String key) {
        return types.get(key);
    }

    public synchronized Map<String, MetadataType> asMap() {
        return Map.copyOf(types);
    }

    /** Replaces the whole mapping (a backend that keeps it itself reads it back with this). */
    public synchronized void reset(Map<String, MetadataType> newTypes) {
        types.clear();
        types.putAll(newTypes);
    }

    public synchronized void clear() {
        types.clear();
    }

    /** {@code {"key": "type", ...}}, as kept in an index's commit data. */
    public synchronized String toJson() {
        StringBuilder sb = new StringBuilder("{");
        types.forEach((k, t) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":\"")
                .append(t.jsonName()).append('"'));
        return sb.append('}').toString(); // keys match [A-Za-z0-9_.-], nothing to escape
    }

    /** The mapping {@link #toJson} wrote. */
    public static MetadataMapping fromJson(String json) {
        Map<String, String> names = JSON.readValue(json, new TypeReference<Map<String, String>>() {});
        Map<String, MetadataType> types = new LinkedHashMap<>();
        names.forEach((k, v) -> types.put(k, MetadataType.parse(v)));
        return new MetadataMapping(types);
    }

    /**
     * Admits metadata stored by an older format key by key (the upgrades of both backends): a key
     * whose value is no valid metadata value, or whose type differs from its key's first use, is
     * left out and reported to {@code untyped}, so it stays stored but is not filterable.
     *
     * @return the keys that could be typed, each in its key's type
     */
    public Map<String, Object> admitTypable(Map<String, ?> stored, BiConsumer<String, InvalidRequestException> untyped) {
        Map<String, Object> typed = new LinkedHashMap<>();
        stored.forEach((key, value) -> {
            Map<String, Object> one = new HashMap<>(1); // null-tolerant: a null value is reported, not thrown
            one.put(key, value);
            try {
                typed.putAll(admit(Metadata.normalize(one)));
            } catch (InvalidRequestException conflict) {
                untyped.accept(key, conflict);
            }
        });
        return typed;
    }
}
