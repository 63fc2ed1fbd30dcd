package dev.tessera.retrieval.document;

import dev.tessera.retrieval.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The type of each metadata key of one collection, fixed by its first use (as a dynamic mapping is
 * in Elasticsearch). A key whose only values so far were empty arrays has no type yet.
 */
public final class MetadataMapping {

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

    public static MetadataMapping fromJson(Map<String, String> json) {
        Map<String, MetadataType> types = new LinkedHashMap<>();
        json.forEach((k, v) -> types.put(k, MetadataType.parse(v)));
        return new MetadataMapping(types);
    }
}
