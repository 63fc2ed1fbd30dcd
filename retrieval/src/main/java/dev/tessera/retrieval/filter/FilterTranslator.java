package dev.tessera.retrieval.filter;

import dev.tessera.retrieval.document.MetadataMapping;
import dev.tessera.retrieval.document.MetadataType;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link Filter} into a backend's query: the tree walk and the grammar's semantics live
 * here once ({@code ne} is exactly {@code not eq}, a key no document has matches nothing, integer
 * operands by {@link IntegerRange}), and each backend supplies only its primitives, as Lucene's
 * codecs supply formats to one indexing chain. Operands have been checked by {@link FilterTypes}.
 *
 * @param <Q> the backend's query type
 */
public interface FilterTranslator<Q> {

    Q all();

    Q none();

    Q and(List<Q> parts);

    Q or(List<Q> parts);

    /** Every record the query does not select. */
    Q not(Q query);

    /** Records with at least one value for the key. */
    Q exists(String key);

    /**
     * Records with a value of the key equal to one of {@code values} (not empty): strings, or
     * {@code true}/{@code false} as strings, for string and boolean keys; {@link Long}s for integer
     * keys; {@link Double}s for number keys.
     */
    Q anyOf(String key, MetadataType type, List<Object> values);

    /** Integer values in {@code [lower, upper]}. */
    Q integerRange(String key, long lower, long upper);

    /** Number or string values on the side of {@code operand} that {@code op} (a range operator) names. */
    Q compare(String key, MetadataType type, Filter.Op op, Object operand);

    /** String values that contain {@code substring}. */
    Q contains(String key, String substring);

    /** The query of a filter: the records, documents or chunks, whose metadata it selects. */
    default Q translate(Filter filter, MetadataMapping mapping) {
        return switch (filter) {
            case Filter.All a -> all();
            case Filter.And and -> and(and.parts().stream().map(p -> translate(p, mapping)).toList());
            case Filter.Or or -> or(or.parts().stream().map(p -> translate(p, mapping)).toList());
            case Filter.Not not -> not(translate(not.inner(), mapping));
            case Filter.Leaf leaf -> {
                MetadataType type = mapping.typeOf(leaf.key());
                yield switch (leaf.op()) {
                    case NE -> not(positive(leaf.key(), Filter.Op.EQ, leaf.values(), type));
                    case NIN -> not(positive(leaf.key(), Filter.Op.IN, leaf.values(), type));
                    case EXISTS -> (Boolean) leaf.value() ? exists(leaf.key()) : not(exists(leaf.key()));
                    default -> positive(leaf.key(), leaf.op(), leaf.values(), type);
                };
            }
        };
    }

    /** eq, in, the ranges and contains: records with at least one value of the key that passes. */
    private Q positive(String key, Filter.Op op, List<Object> values, MetadataType type) {
        if (type == null) {
            return none(); // no record has values for the key
        }
        if (op == Filter.Op.EQ || op == Filter.Op.IN) {
            List<Object> exact = new ArrayList<>(values.size());
            for (Object v : values) {
                switch (type) {
                    case STRING, BOOLEAN -> exact.add(v.toString());
                    case INTEGER -> {
                        if (IntegerRange.integral(v)) { // 2.5 equals no integer
                            exact.add(((Number) v).longValue());
                        }
                    }
                    case NUMBER -> exact.add(((Number) v).doubleValue());
                }
            }
            return exact.isEmpty() ? none() : anyOf(key, type, exact);
        }
        if (op == Filter.Op.CONTAINS) {
            return contains(key, values.getFirst().toString());
        }
        if (type == MetadataType.INTEGER) {
            IntegerRange range = IntegerRange.of(op, values.getFirst());
            return range == null ? none() : integerRange(key, range.lower(), range.upper());
        }
        Object operand = type == MetadataType.NUMBER ? ((Number) values.getFirst()).doubleValue()
                : values.getFirst().toString();
        return compare(key, type, op, operand);
    }
}
