package dev.tessera.retrieval.filter;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.document.Metadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Reads the JSON form of a {@link Filter} (maps, lists and scalars as Jackson binds them). */
final class FilterParser {

    static final int MAX_DEPTH = 32;
    static final int MAX_VALUES = 1024;
    /** Key tests in one filter: Lucene's default clause limit, so no backend meets a filter it cannot run. */
    static final int MAX_TESTS = 1024;

    private FilterParser() {}

    static Filter parse(Object json, String root) {
        if (json == null) {
            return Filter.ALL;
        }
        if (json instanceof Map<?, ?> map && map.isEmpty()) {
            return Filter.ALL;
        }
        Filter filter = node(json, root, 1);
        int tests = tests(filter);
        if (tests > MAX_TESTS) {
            throw new InvalidRequestException(root, "a filter has at most " + MAX_TESTS + " key tests, not " + tests);
        }
        return filter;
    }

    private static int tests(Filter f) {
        return switch (f) {
            case Filter.And and -> and.parts().stream().mapToInt(FilterParser::tests).sum();
            case Filter.Or or -> or.parts().stream().mapToInt(FilterParser::tests).sum();
            case Filter.Not not -> tests(not.inner());
            case Filter.Leaf leaf -> 1;
            case Filter.All a -> 0;
        };
    }

    private static Filter node(Object json, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new InvalidRequestException(path, "the filter is nested deeper than " + MAX_DEPTH + " levels");
        }
        if (!(json instanceof Map<?, ?> map)) {
            throw new InvalidRequestException(path, "a filter is a JSON object, e.g. {\"year\": {\"gte\": 2020}}");
        }
        if (map.isEmpty()) {
            throw new InvalidRequestException(path, "an empty object is not a filter here");
        }
        List<Filter> parts = new ArrayList<>(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            String at = path + "." + key;
            parts.add(switch (key) {
                case "and", "or" -> {
                    if (!(e.getValue() instanceof List<?> list) || list.isEmpty()) {
                        throw new InvalidRequestException(at, "'" + key + "' takes a non-empty array of filters");
                    }
                    List<Filter> children = new ArrayList<>(list.size());
                    for (int i = 0; i < list.size(); i++) {
                        children.add(node(list.get(i), at + "[" + i + "]", depth + 1));
                    }
                    yield key.equals("and") ? new Filter.And(children) : new Filter.Or(children);
                }
                case "not" -> new Filter.Not(node(e.getValue(), at, depth + 1));
                default -> keyTest(key, e.getValue(), at);
            });
        }
        return parts.size() == 1 ? parts.getFirst() : new Filter.And(parts);
    }

    private static Filter keyTest(String key, Object value, String at) {
        try {
            Metadata.checkKey(key);
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException(at, e.getMessage());
        }
        if (value instanceof Map<?, ?> ops) {
            if (ops.isEmpty()) {
                throw new InvalidRequestException(at, "name an operator: " + Filter.Op.names());
            }
            List<Filter> tests = new ArrayList<>(ops.size());
            for (Map.Entry<?, ?> o : ops.entrySet()) {
                String name = String.valueOf(o.getKey());
                Filter.Op op = Filter.Op.byName(name);
                String opPath = at + "." + name;
                if (op == null) {
                    throw new InvalidRequestException(opPath, "unknown operator '" + name + "'; allowed: "
                            + Filter.Op.names());
                }
                tests.add(leaf(key, op, o.getValue(), opPath));
            }
            return tests.size() == 1 ? tests.getFirst() : new Filter.And(tests);
        }
        if (value instanceof Collection<?>) {
            return leaf(key, Filter.Op.IN, value, at);
        }
        return leaf(key, Filter.Op.EQ, value, at);
    }

    private static Filter.Leaf leaf(String key, Filter.Op op, Object operand, String path) {
        return switch (op) {
            case EXISTS -> {
                if (!(operand instanceof Boolean b)) {
                    throw new InvalidRequestException(path, "exists takes true or false");
                }
                yield new Filter.Leaf(path, key, op, List.of(b));
            }
            case IN, NIN -> {
                if (!(operand instanceof Collection<?> list)) {
                    throw new InvalidRequestException(path, op.jsonName() + " takes an array of values");
                }
                if (list.size() > MAX_VALUES) {
                    throw new InvalidRequestException(path, op.jsonName() + " takes at most " + MAX_VALUES
                            + " values, not " + list.size());
                }
                List<Object> values = new ArrayList<>(list.size());
                int i = 0;
                for (Object v : list) {
                    values.add(scalar(v, path + "[" + i++ + "]"));
                }
                yield new Filter.Leaf(path, key, op, values);
            }
            case CONTAINS -> {
                if (!(operand instanceof String s)) {
                    throw new InvalidRequestException(path, "contains takes a string");
                }
                yield new Filter.Leaf(path, key, op, List.of(s));
            }
            default -> {
                Object v = scalar(operand, path);
                if (op.isRange() && v instanceof Boolean) {
                    throw new InvalidRequestException(path, op.jsonName() + " compares numbers or strings, not booleans");
                }
                yield new Filter.Leaf(path, key, op, List.of(v));
            }
        };
    }

    private static Object scalar(Object v, String path) {
        try {
            return Metadata.scalar(v);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(path, "a filter value is a string, a number or a boolean"
                    + (v instanceof Collection<?> ? "; an array is only allowed for in and nin" : ""));
        }
    }
}
