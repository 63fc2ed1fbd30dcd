package dev.tessera.client;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tessera's filter language built in Java: each method returns the JSON object as a map, ready for
 * {@code Search.withFilter}, listing, counting or deleting. {@code and(eq("lang", "en"), gte("year", 2020))}
 * is {@code {"and": [{"lang": {"eq": "en"}}, {"year": {"gte": 2020}}]}}.
 */
public final class Filters {

    private Filters() {}

    public static Map<String, Object> eq(String key, Object value) {
        return op(key, "eq", value);
    }

    public static Map<String, Object> ne(String key, Object value) {
        return op(key, "ne", value);
    }

    public static Map<String, Object> gt(String key, Object value) {
        return op(key, "gt", value);
    }

    public static Map<String, Object> gte(String key, Object value) {
        return op(key, "gte", value);
    }

    public static Map<String, Object> lt(String key, Object value) {
        return op(key, "lt", value);
    }

    public static Map<String, Object> lte(String key, Object value) {
        return op(key, "lte", value);
    }

    public static Map<String, Object> in(String key, List<?> values) {
        return op(key, "in", values);
    }

    public static Map<String, Object> nin(String key, List<?> values) {
        return op(key, "nin", values);
    }

    public static Map<String, Object> exists(String key, boolean exists) {
        return op(key, "exists", exists);
    }

    /** A string value of {@code key} contains {@code part}. */
    public static Map<String, Object> contains(String key, String part) {
        return op(key, "contains", part);
    }

    @SafeVarargs
    public static Map<String, Object> and(Map<String, Object>... filters) {
        return Map.of("and", Arrays.asList(filters));
    }

    @SafeVarargs
    public static Map<String, Object> or(Map<String, Object>... filters) {
        return Map.of("or", Arrays.asList(filters));
    }

    public static Map<String, Object> not(Map<String, Object> filter) {
        return Map.of("not", filter);
    }

    private static Map<String, Object> op(String key, String operator, Object value) {
        Map<String, Object> test = new LinkedHashMap<>();
        test.put(operator, value);
        return Map.of(key, test);
    }
}
