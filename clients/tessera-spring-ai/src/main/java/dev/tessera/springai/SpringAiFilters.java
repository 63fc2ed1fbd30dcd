package dev.tessera.springai;

import dev.tessera.client.Filters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.ai.vectorstore.filter.Filter;

/** Spring AI's filter expressions (the parsed form of {@code "country == 'BG' && year >= 2020"}) in Tessera's filter language. */
final class SpringAiFilters {

    private SpringAiFilters() {}

    static Map<String, Object> toTessera(Filter.Operand operand) {
        if (operand instanceof Filter.Group g) {
            return toTessera(g.content());
        }
        if (!(operand instanceof Filter.Expression e)) {
            throw new IllegalArgumentException("not a filter expression: " + operand);
        }
        return switch (e.type()) {
            case AND -> Map.of("and", List.of(toTessera(e.left()), toTessera(e.right())));
            case OR -> Map.of("or", List.of(toTessera(e.left()), toTessera(e.right())));
            case NOT -> Filters.not(toTessera(e.left()));
            case EQ -> Filters.eq(key(e), value(e));
            case NE -> Filters.ne(key(e), value(e));
            case GT -> Filters.gt(key(e), value(e));
            case GTE -> Filters.gte(key(e), value(e));
            case LT -> Filters.lt(key(e), value(e));
            case LTE -> Filters.lte(key(e), value(e));
            case IN -> Filters.in(key(e), values(e));
            case NIN -> Filters.nin(key(e), values(e));
            case ISNULL -> Filters.exists(key(e), false);
            case ISNOTNULL -> Filters.exists(key(e), true);
        };
    }

    private static String key(Filter.Expression e) {
        if (e.left() instanceof Filter.Key k) {
            String key = k.key();
            // The text parser keeps quotes around keys written as 'key' or "key".
            if (key.length() >= 2 && (key.startsWith("'") && key.endsWith("'") || key.startsWith("\"") && key.endsWith("\""))) {
                key = key.substring(1, key.length() - 1);
            }
            return key;
        }
        throw new IllegalArgumentException("the left side of " + e.type() + " must be a metadata key");
    }

    private static Object value(Filter.Expression e) {
        if (e.right() instanceof Filter.Value v) {
            return v.value() instanceof Float f ? f.doubleValue() : v.value();
        }
        throw new IllegalArgumentException("the right side of " + e.type() + " must be a value");
    }

    private static List<Object> values(Filter.Expression e) {
        Object v = value(e);
        List<Object> out = new ArrayList<>();
        if (v instanceof Collection<?> c) {
            c.forEach(x -> out.add(x instanceof Float f ? f.doubleValue() : x));
        } else {
            out.add(v);
        }
        return out;
    }
}
