package dev.tessera.retrieval.filter;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A metadata filter: the one grammar every route that filters takes (search, RAG context, listing,
 * counting, delete, video search). Parsed in one place ({@link FilterParser}); each backend
 * translates the tree into its own query, and {@link FilterEvaluator} states the semantics on a
 * plain map so the translations can be checked against it.
 */
public sealed interface Filter permits Filter.All, Filter.And, Filter.Or, Filter.Not, Filter.Leaf {

    /** The filter that lets every document through. */
    Filter ALL = new All();

    /** Parses the JSON form ({@code null} and {@code {}} are {@link #ALL}); errors name the path under {@code filter}. */
    static Filter parse(Object json) {
        return FilterParser.parse(json, "filter");
    }

    default boolean matchesAll() {
        return this instanceof All;
    }

    record All() implements Filter {}

    record And(List<Filter> parts) implements Filter {
        public And {
            parts = List.copyOf(parts);
        }
    }

    record Or(List<Filter> parts) implements Filter {
        public Or {
            parts = List.copyOf(parts);
        }
    }

    record Not(Filter inner) implements Filter {}

    /**
     * One test of one key.
     *
     * @param path   where the test sits in the request, for error messages ({@code filter.and[1].year.gte})
     * @param values the operand: one scalar, the list of {@code in}/{@code nin}, or the boolean of
     *               {@code exists}; scalars are {@link String}, {@link Long}, {@link Double} or {@link Boolean}
     */
    record Leaf(String path, String key, Op op, List<Object> values) implements Filter {
        public Leaf {
            values = List.copyOf(values);
        }

        public Object value() {
            return values.getFirst();
        }
    }

    enum Op {
        EQ, NE, GT, GTE, LT, LTE, IN, NIN, EXISTS, CONTAINS;

        private static final Map<String, Op> BY_NAME = Map.of("eq", EQ, "ne", NE, "gt", GT, "gte", GTE, "lt", LT,
                "lte", LTE, "in", IN, "nin", NIN, "exists", EXISTS, "contains", CONTAINS);

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean isRange() {
            return this == GT || this == GTE || this == LT || this == LTE;
        }

        static Op byName(String name) {
            return BY_NAME.get(name);
        }

        static String names() {
            return "eq, ne, gt, gte, lt, lte, in, nin, exists, contains";
        }
    }
}
