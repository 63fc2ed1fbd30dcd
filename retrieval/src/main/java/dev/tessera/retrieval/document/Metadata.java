package dev.tessera.retrieval.document;

import dev.tessera.retrieval.InvalidRequestException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rules for metadata keys and values, shared by ingest and filters so both agree. Values are
 * strings, 64-bit integers, finite doubles, booleans, or arrays of one of these.
 */
public final class Metadata {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static final int MAX_KEYS = 64;
    public static final int MAX_KEY_LENGTH = 128;
    public static final int MAX_STRING_BYTES = 8 * 1024;

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.\\-]{1," + MAX_KEY_LENGTH + "}");
    /** The filter grammar's own words: a key by these names could not be filtered on. */
    private static final Set<String> RESERVED = Set.of("and", "or", "not");

    private Metadata() {}

    public static void checkKey(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new InvalidRequestException("metadata", "metadata key '" + key + "' must be 1-" + MAX_KEY_LENGTH
                    + " characters of letters, digits, '_', '.' or '-'");
        }
        if (RESERVED.contains(key)) {
            throw new InvalidRequestException("metadata." + key, "'" + key + "' is a word of the filter language,"
                    + " not a metadata key");
        }
    }

    /**
     * A document's metadata in canonical form: integers as {@link Long}, other numbers as
     * {@link Double}, arrays as lists of one type (integers in an array with numbers become numbers).
     *
     * @throws InvalidRequestException naming {@code metadata.<key>} for anything else
     */
    public static Map<String, Object> normalize(Map<String, Object> raw) {
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        if (raw.size() > MAX_KEYS) {
            throw new InvalidRequestException("metadata", "at most " + MAX_KEYS + " metadata keys per document, not "
                    + raw.size());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        raw.forEach((key, value) -> {
            checkKey(key);
            out.put(key, value(key, value));
        });
        return out;
    }

    private static Object value(String key, Object value) {
        if (value instanceof Collection<?> list) {
            List<Object> items = new ArrayList<>(list.size());
            MetadataType type = null;
            for (Object item : list) {
                Object s = checkedScalar(key, item);
                MetadataType t = MetadataType.of(s);
                if (type == null || type.admits(t)) {
                    type = type == null ? t : type;
                } else if (t.admits(type)) {
                    type = t;
                } else {
                    throw new InvalidRequestException("metadata." + key, "an array holds values of one type; '" + key
                            + "' mixes " + type.jsonName() + " and " + t.jsonName());
                }
                items.add(s);
            }
            if (type == MetadataType.NUMBER) {
                items.replaceAll(v -> ((Number) v).doubleValue());
            }
            return List.copyOf(items);
        }
        return checkedScalar(key, value);
    }

    private static Object checkedScalar(String key, Object value) {
        Object s;
        try {
            s = scalar(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("metadata." + key, e.getMessage());
        }
        if (s instanceof String str && str.length() > MAX_STRING_BYTES / 3
                && str.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES) {
            throw new InvalidRequestException("metadata." + key, "metadata strings are at most " + MAX_STRING_BYTES
                    + " bytes");
        }
        return s;
    }

    /**
     * One JSON scalar in canonical form ({@link String}, {@link Long}, {@link Double}, {@link Boolean}).
     *
     * @throws IllegalArgumentException for anything else (null, objects, arrays, out-of-range or non-finite numbers)
     */
    public static Object scalar(Object value) {
        return switch (value) {
            case String s -> s;
            case Boolean b -> b;
            case Integer i -> i.longValue();
            case Long l -> l;
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case BigInteger big -> {
                if (big.bitLength() > 63) {
                    throw new IllegalArgumentException("integers must fit in 64 bits");
                }
                yield big.longValue();
            }
            case Number n when n instanceof Double || n instanceof Float || n instanceof BigDecimal -> {
                double d = n.doubleValue();
                if (!Double.isFinite(d)) { // 1e999 parses as infinity
                    throw new IllegalArgumentException("metadata numbers must be finite");
                }
                yield d;
            }
            case null -> throw new IllegalArgumentException("metadata values must not be null");
            default -> throw new IllegalArgumentException(
                    "metadata values must be strings, numbers, booleans or arrays of one of them");
        };
    }

    /** Stored metadata read back from its JSON in canonical form (a parser reads small integers as Integer). */
    public static Map<String, Object> fromJson(String json) {
        Map<String, Object> parsed = JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
        Map<String, Object> out = new LinkedHashMap<>();
        parsed.forEach((k, v) -> out.put(k, v instanceof List<?> l ? l.stream().map(Metadata::scalar).toList() : scalar(v)));
        return out;
    }

    /** The scalars of one normalised value: itself, or the items of an array. */
    @SuppressWarnings("unchecked")
    public static List<Object> scalars(Object normalized) {
        return normalized instanceof List<?> list ? (List<Object>) list : List.of(normalized);
    }
}
