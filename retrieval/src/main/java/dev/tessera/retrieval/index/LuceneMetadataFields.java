package dev.tessera.retrieval.index;

import dev.tessera.retrieval.document.Metadata;
import dev.tessera.retrieval.document.MetadataMapping;
import dev.tessera.retrieval.document.MetadataType;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.filter.IntegerRange;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.WildcardQuery;
import org.apache.lucene.util.BytesRef;

/**
 * Typed metadata in a Lucene index, and {@link Filter}s as Lucene queries over it. Each key has one
 * field per type, so a key whose type changes after its collection was cleared never meets
 * segments written with the old type: strings are keywords ({@code m.<key>.s}), integers long
 * points ({@code .l}), numbers double points ({@code .d}), booleans keywords ({@code .b}); the
 * names of the keys a document has values for are terms of {@code m._keys}, for {@code exists}.
 */
public final class LuceneMetadataFields {

    static final String PREFIX = "m.";
    static final String KEYS = "m._keys";

    private LuceneMetadataFields() {}

    /** Adds the index fields of typed metadata (as {@link MetadataMapping#admit} returns it) to a Lucene document. */
    public static void add(org.apache.lucene.document.Document doc, Map<String, Object> typed) {
        typed.forEach((key, value) -> {
            List<Object> scalars = Metadata.scalars(value);
            if (scalars.isEmpty()) {
                return;
            }
            doc.add(new StringField(KEYS, key, Field.Store.NO));
            for (Object v : scalars) {
                switch (v) {
                    case String s -> doc.add(new StringField(field(key, MetadataType.STRING), s, Field.Store.NO));
                    case Long l -> doc.add(new LongPoint(field(key, MetadataType.INTEGER), l));
                    case Double d -> doc.add(new DoublePoint(field(key, MetadataType.NUMBER), d));
                    case Boolean b -> doc.add(new StringField(field(key, MetadataType.BOOLEAN), b.toString(),
                            Field.Store.NO));
                    default -> throw new IllegalArgumentException("not a metadata scalar: " + v);
                }
            }
        });
    }

    static String field(String key, MetadataType type) {
        return PREFIX + key + switch (type) {
            case STRING -> ".s";
            case INTEGER -> ".l";
            case NUMBER -> ".d";
            case BOOLEAN -> ".b";
        };
    }

    /** The documents a filter selects among all documents (combine with the kind of record wanted). */
    public static Query query(Filter filter, MetadataMapping mapping) {
        return switch (filter) {
            case Filter.All a -> new MatchAllDocsQuery();
            case Filter.And and -> {
                BooleanQuery.Builder b = new BooleanQuery.Builder();
                and.parts().forEach(p -> b.add(query(p, mapping), Occur.FILTER));
                yield b.build();
            }
            case Filter.Or or -> {
                BooleanQuery.Builder b = new BooleanQuery.Builder().setMinimumNumberShouldMatch(1);
                or.parts().forEach(p -> b.add(query(p, mapping), Occur.SHOULD));
                yield new ConstantScoreQuery(b.build());
            }
            case Filter.Not not -> complement(query(not.inner(), mapping));
            case Filter.Leaf leaf -> leaf(leaf, mapping.typeOf(leaf.key()));
        };
    }

    private static Query complement(Query q) {
        return new BooleanQuery.Builder().add(new MatchAllDocsQuery(), Occur.FILTER).add(q, Occur.MUST_NOT).build();
    }

    private static Query leaf(Filter.Leaf leaf, MetadataType type) {
        return switch (leaf.op()) {
            case NE -> complement(positive(leaf.key(), Filter.Op.EQ, leaf.values(), type));
            case NIN -> complement(positive(leaf.key(), Filter.Op.IN, leaf.values(), type));
            case EXISTS -> (Boolean) leaf.value() ? exists(leaf.key()) : complement(exists(leaf.key()));
            default -> positive(leaf.key(), leaf.op(), leaf.values(), type);
        };
    }

    private static Query exists(String key) {
        return new TermQuery(new Term(KEYS, key));
    }

    /** eq, in, the ranges and contains: documents with at least one value of the key that passes. */
    private static Query positive(String key, Filter.Op op, List<Object> values, MetadataType type) {
        if (type == null) {
            return new MatchNoDocsQuery("no document has values for " + key);
        }
        String field = field(key, type);
        return switch (type) {
            case STRING, BOOLEAN -> keywords(field, op, values);
            case INTEGER -> integers(field, op, values);
            case NUMBER -> numbers(field, op, values);
        };
    }

    private static Query keywords(String field, Filter.Op op, List<Object> values) {
        String v = values.isEmpty() ? "" : String.valueOf(values.getFirst());
        return switch (op) {
            case EQ -> new TermQuery(new Term(field, v));
            case IN -> values.isEmpty() ? new MatchNoDocsQuery()
                    : new TermInSetQuery(field, values.stream().map(x -> new BytesRef(String.valueOf(x))).toList());
            case GT -> TermRangeQuery.newStringRange(field, v, null, false, false);
            case GTE -> TermRangeQuery.newStringRange(field, v, null, true, false);
            case LT -> TermRangeQuery.newStringRange(field, null, v, false, false);
            case LTE -> TermRangeQuery.newStringRange(field, null, v, false, true);
            case CONTAINS -> new WildcardQuery(new Term(field, "*" + escapeWildcard(v) + "*"));
            default -> throw new IllegalStateException(op.toString());
        };
    }

    /** A literal for Lucene's wildcard syntax (also OpenSearch's {@code wildcard} query). */
    public static String escapeWildcard(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static Query integers(String field, Filter.Op op, List<Object> values) {
        if (op == Filter.Op.EQ || op == Filter.Op.IN) {
            long[] exact = values.stream().filter(IntegerRange::integral)
                    .mapToLong(v -> ((Number) v).longValue()).toArray();
            return exact.length == 0 ? new MatchNoDocsQuery() : LongPoint.newSetQuery(field, exact);
        }
        IntegerRange range = IntegerRange.of(op, values.getFirst());
        return range == null ? new MatchNoDocsQuery() : LongPoint.newRangeQuery(field, range.lower(), range.upper());
    }

    private static Query numbers(String field, Filter.Op op, List<Object> values) {
        if (op == Filter.Op.EQ || op == Filter.Op.IN) {
            double[] exact = values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
            return exact.length == 0 ? new MatchNoDocsQuery() : DoublePoint.newSetQuery(field, exact);
        }
        double d = ((Number) values.getFirst()).doubleValue();
        return switch (op) {
            case GT -> DoublePoint.newRangeQuery(field, Math.nextUp(d), Double.POSITIVE_INFINITY);
            case GTE -> DoublePoint.newRangeQuery(field, d, Double.POSITIVE_INFINITY);
            case LT -> DoublePoint.newRangeQuery(field, Double.NEGATIVE_INFINITY, Math.nextDown(d));
            default -> DoublePoint.newRangeQuery(field, Double.NEGATIVE_INFINITY, d);
        };
    }
}
