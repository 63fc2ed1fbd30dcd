package dev.tessera.retrieval.filter;

import dev.tessera.retrieval.document.Metadata;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The filter grammar's meaning, stated on one document's normalised metadata. The backends translate
 * filters into queries of their own; tests hold them to this.
 */
public final class FilterEvaluator {

    private FilterEvaluator() {}

    public static boolean matches(Filter filter, Map<String, Object> metadata) {
        return switch (filter) {
            case Filter.All a -> true;
            case Filter.And and -> and.parts().stream().allMatch(p -> matches(p, metadata));
            case Filter.Or or -> or.parts().stream().anyMatch(p -> matches(p, metadata));
            case Filter.Not not -> !matches(not.inner(), metadata);
            case Filter.Leaf leaf -> leaf(leaf, metadata.containsKey(leaf.key())
                    ? Metadata.scalars(metadata.get(leaf.key())) : List.of());
        };
    }

    private static boolean leaf(Filter.Leaf leaf, List<Object> present) {
        return switch (leaf.op()) {
            case EXISTS -> !present.isEmpty() == (Boolean) leaf.value();
            case EQ -> present.stream().anyMatch(v -> equal(v, leaf.value()));
            case NE -> present.stream().noneMatch(v -> equal(v, leaf.value()));
            case IN -> present.stream().anyMatch(v -> leaf.values().stream().anyMatch(w -> equal(v, w)));
            case NIN -> present.stream().noneMatch(v -> leaf.values().stream().anyMatch(w -> equal(v, w)));
            case CONTAINS -> present.stream().anyMatch(v -> v instanceof String s && s.contains((String) leaf.value()));
            case GT, GTE, LT, LTE -> present.stream().anyMatch(v -> {
                Integer c = compare(v, leaf.value());
                return c != null && switch (leaf.op()) {
                    case GT -> c > 0;
                    case GTE -> c >= 0;
                    case LT -> c < 0;
                    default -> c <= 0;
                };
            });
        };
    }

    private static boolean equal(Object stored, Object wanted) {
        Integer c = compare(stored, wanted);
        return c != null && c == 0;
    }

    /** Numbers compare by value, strings by code point (the order of their UTF-8 bytes); other pairs do not compare. */
    static Integer compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            if (x instanceof Long l && y instanceof Long m) {
                return Long.compare(l, m);
            }
            return exact(x).compareTo(exact(y));
        }
        if (a instanceof String s && b instanceof String t) {
            return compareCodePoints(s, t);
        }
        if (a instanceof Boolean p && b instanceof Boolean q) {
            return Boolean.compare(p, q);
        }
        return null;
    }

    private static BigDecimal exact(Number n) {
        return n instanceof Long l ? BigDecimal.valueOf(l) : new BigDecimal(n.doubleValue());
    }

    private static int compareCodePoints(String s, String t) {
        int i = 0;
        int j = 0;
        while (i < s.length() && j < t.length()) {
            int a = s.codePointAt(i);
            int b = t.codePointAt(j);
            if (a != b) {
                return Integer.compare(a, b);
            }
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Integer.compare(s.length() - i, t.length() - j);
    }
}
