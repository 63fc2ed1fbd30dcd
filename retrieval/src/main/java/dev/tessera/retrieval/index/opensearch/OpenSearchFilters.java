package dev.tessera.retrieval.index.opensearch;

import dev.tessera.retrieval.document.Metadata;
import dev.tessera.retrieval.document.MetadataMapping;
import dev.tessera.retrieval.document.MetadataType;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.filter.IntegerRange;
import dev.tessera.retrieval.index.LuceneMetadataFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.query_dsl.Query;

/**
 * Typed metadata in an OpenSearch index, and {@link Filter}s as bool queries over it: the
 * counterpart of the embedded index's {@code LuceneMetadataFields}, with the same layout. Each key
 * has one field per type under an object of that type ({@code md_s} keywords, {@code md_l} longs,
 * {@code md_d} doubles, {@code md_b} booleans as the keywords {@code true}/{@code false}), mapped by
 * the index's dynamic templates on first use, so a key that changes type after its collection was
 * cleared never meets the old field; the keys a record has values for are terms of
 * {@code metadata_keys}, for {@code exists}.
 */
final class OpenSearchFilters {

    static final String KEYS = "metadata_keys";
    /** The object field of each type; the mapping's dynamic templates give their children that type. */
    static final Map<MetadataType, String> OBJECTS = Map.of(MetadataType.STRING, "md_s", MetadataType.INTEGER, "md_l",
            MetadataType.NUMBER, "md_d", MetadataType.BOOLEAN, "md_b");

    private OpenSearchFilters() {}

    /**
     * A key as one field name: OpenSearch reads dots as object paths, and keys may hold dots
     * ({@code a} and {@code a.b} are two keys), so '.' becomes "_d" and '_' "_u"; the mapping is
     * one-to-one over the key alphabet {@code [A-Za-z0-9_.-]}.
     */
    static String encode(String key) {
        StringBuilder sb = new StringBuilder(key.length() + 4);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            switch (c) {
                case '.' -> sb.append("_d");
                case '_' -> sb.append("_u");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    static String decode(String field) {
        StringBuilder sb = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '_' && i + 1 < field.length()) {
                sb.append(field.charAt(++i) == 'd' ? '.' : '_');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static String field(String key, MetadataType type) {
        return OBJECTS.get(type) + "." + encode(key);
    }

    /** The filter fields of typed metadata (as {@link MetadataMapping#admit} returns it), to put in a record's source. */
    static Map<String, Object> sourceFields(Map<String, Object> typed) {
        Map<String, Map<String, Object>> byObject = new LinkedHashMap<>();
        Set<String> keys = new LinkedHashSet<>();
        typed.forEach((key, value) -> {
            List<Object> scalars = Metadata.scalars(value);
            if (scalars.isEmpty()) {
                return;
            }
            keys.add(key);
            MetadataType type = MetadataType.of(scalars.getFirst());
            List<Object> values = new ArrayList<>(scalars.size());
            for (Object v : scalars) {
                values.add(type == MetadataType.BOOLEAN ? v.toString() : v);
            }
            byObject.computeIfAbsent(OBJECTS.get(type), o -> new LinkedHashMap<>())
                    .put(encode(key), values.size() == 1 && !(value instanceof List<?>) ? values.getFirst() : values);
        });
        Map<String, Object> out = new LinkedHashMap<>(byObject);
        out.put(KEYS, List.copyOf(keys));
        return out;
    }

    /** The records a filter selects among all records (combine with the kind of record wanted). */
    static Query query(Filter filter, MetadataMapping mapping) {
        return switch (filter) {
            case Filter.All a -> Query.of(q -> q.matchAll(m -> m));
            case Filter.And and -> {
                List<Query> parts = and.parts().stream().map(p -> query(p, mapping)).toList();
                yield Query.of(q -> q.bool(b -> b.filter(parts)));
            }
            case Filter.Or or -> {
                List<Query> parts = or.parts().stream().map(p -> query(p, mapping)).toList();
                yield Query.of(q -> q.bool(b -> b.should(parts).minimumShouldMatch("1")));
            }
            case Filter.Not not -> complement(query(not.inner(), mapping));
            case Filter.Leaf leaf -> leaf(leaf, mapping.typeOf(leaf.key()));
        };
    }

    private static Query complement(Query q) {
        return Query.of(x -> x.bool(b -> b.mustNot(q)));
    }

    private static Query none() {
        return Query.of(q -> q.matchNone(m -> m));
    }

    private static Query leaf(Filter.Leaf leaf, MetadataType type) {
        return switch (leaf.op()) {
            case NE -> complement(positive(leaf.key(), Filter.Op.EQ, leaf.values(), type));
            case NIN -> complement(positive(leaf.key(), Filter.Op.IN, leaf.values(), type));
            case EXISTS -> {
                Query exists = Query.of(q -> q.term(t -> t.field(KEYS).value(FieldValue.of(leaf.key()))));
                yield (Boolean) leaf.value() ? exists : complement(exists);
            }
            default -> positive(leaf.key(), leaf.op(), leaf.values(), type);
        };
    }

    /** eq, in, the ranges and contains: records with at least one value of the key that passes. */
    private static Query positive(String key, Filter.Op op, List<Object> values, MetadataType type) {
        if (type == null) {
            return none(); // no record has values for the key
        }
        String field = field(key, type);
        return switch (type) {
            case STRING, BOOLEAN -> keywords(field, op, values);
            case INTEGER -> integers(field, op, values);
            case NUMBER -> numbers(field, op, values);
        };
    }

    private static Query keywords(String field, Filter.Op op, List<Object> values) {
        if (op == Filter.Op.EQ || op == Filter.Op.IN) {
            return values.isEmpty() ? none() : terms(field, values.stream().map(v -> FieldValue.of(v.toString())).toList());
        }
        String v = values.getFirst().toString();
        if (op == Filter.Op.CONTAINS) {
            return Query.of(q -> q.wildcard(w -> w.field(field).value("*" + LuceneMetadataFields.escapeWildcard(v) + "*")));
        }
        return range(field, op, JsonData.of(v));
    }

    private static Query integers(String field, Filter.Op op, List<Object> values) {
        if (op == Filter.Op.EQ || op == Filter.Op.IN) {
            List<FieldValue> exact = values.stream().filter(IntegerRange::integral)
                    .map(v -> FieldValue.of(((Number) v).longValue())).toList();
            return exact.isEmpty() ? none() : terms(field, exact);
        }
        IntegerRange range = IntegerRange.of(op, values.getFirst());
        if (range == null) {
            return none();
        }
        return Query.of(q -> q.range(r -> r.field(field).gte(JsonData.of(range.lower())).lte(JsonData.of(range.upper()))));
    }

    private static Query numbers(String field, Filter.Op op, List<Object> values) {
        if (op == Filter.Op.EQ || op == Filter.Op.IN) {
            return terms(field, values.stream().map(v -> FieldValue.of(((Number) v).doubleValue())).toList());
        }
        return range(field, op, JsonData.of(((Number) values.getFirst()).doubleValue()));
    }

    private static Query terms(String field, List<FieldValue> values) {
        return Query.of(q -> q.terms(t -> t.field(field).terms(v -> v.value(values))));
    }

    private static Query range(String field, Filter.Op op, JsonData bound) {
        return Query.of(q -> q.range(r -> {
            r.field(field);
            return switch (op) {
                case GT -> r.gt(bound);
                case GTE -> r.gte(bound);
                case LT -> r.lt(bound);
                case LTE -> r.lte(bound);
                default -> throw new IllegalStateException(op.toString());
            };
        }));
    }
}
