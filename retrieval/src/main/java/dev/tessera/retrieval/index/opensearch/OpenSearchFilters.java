package dev.tessera.retrieval.index.opensearch;

import dev.tessera.retrieval.document.Metadata;
import dev.tessera.retrieval.document.MetadataMapping;
import dev.tessera.retrieval.document.MetadataType;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.filter.FilterTranslator;
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
        return QUERIES.translate(filter, mapping);
    }

    /** The grammar as a bool query: and → filter, or → should, not → must_not. */
    private static final FilterTranslator<Query> QUERIES = new FilterTranslator<>() {
        @Override
        public Query all() {
            return Query.of(q -> q.matchAll(m -> m));
        }

        @Override
        public Query none() {
            return Query.of(q -> q.matchNone(m -> m));
        }

        @Override
        public Query and(List<Query> parts) {
            return Query.of(q -> q.bool(b -> b.filter(parts)));
        }

        @Override
        public Query or(List<Query> parts) {
            return Query.of(q -> q.bool(b -> b.should(parts).minimumShouldMatch("1")));
        }

        @Override
        public Query not(Query query) {
            return Query.of(q -> q.bool(b -> b.mustNot(query)));
        }

        @Override
        public Query exists(String key) {
            return Query.of(q -> q.term(t -> t.field(KEYS).value(FieldValue.of(key))));
        }

        @Override
        public Query anyOf(String key, MetadataType type, List<Object> values) {
            List<FieldValue> terms = values.stream().map(v -> switch (v) {
                case Long l -> FieldValue.of(l);
                case Double d -> FieldValue.of(d);
                default -> FieldValue.of(v.toString());
            }).toList();
            return Query.of(q -> q.terms(t -> t.field(field(key, type)).terms(v -> v.value(terms))));
        }

        @Override
        public Query integerRange(String key, long lower, long upper) {
            return Query.of(q -> q.range(r -> r.field(field(key, MetadataType.INTEGER)).gte(JsonData.of(lower))
                    .lte(JsonData.of(upper))));
        }

        @Override
        public Query compare(String key, MetadataType type, Filter.Op op, Object operand) {
            JsonData bound = JsonData.of(operand);
            return Query.of(q -> q.range(r -> {
                r.field(field(key, type));
                return switch (op) {
                    case GT -> r.gt(bound);
                    case GTE -> r.gte(bound);
                    case LT -> r.lt(bound);
                    default -> r.lte(bound);
                };
            }));
        }

        @Override
        public Query contains(String key, String substring) {
            return Query.of(q -> q.wildcard(w -> w.field(field(key, MetadataType.STRING))
                    .value("*" + LuceneMetadataFields.escapeWildcard(substring) + "*")));
        }
    };
}
