package dev.tessera.retrieval.filter;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.document.MetadataMapping;
import dev.tessera.retrieval.document.MetadataType;

/** Checks a filter's operands against a collection's metadata types; keys the collection never saw pass. */
public final class FilterTypes {

    private FilterTypes() {}

    /** @throws InvalidRequestException naming the operand's path when it cannot compare with its key's values */
    public static void check(Filter filter, MetadataMapping mapping) {
        switch (filter) {
            case Filter.All a -> { }
            case Filter.And and -> and.parts().forEach(p -> check(p, mapping));
            case Filter.Or or -> or.parts().forEach(p -> check(p, mapping));
            case Filter.Not not -> check(not.inner(), mapping);
            case Filter.Leaf leaf -> leaf(leaf, mapping.typeOf(leaf.key()));
        }
    }

    private static void leaf(Filter.Leaf leaf, MetadataType type) {
        if (type == null || leaf.op() == Filter.Op.EXISTS) {
            return;
        }
        if (leaf.op() == Filter.Op.CONTAINS && type != MetadataType.STRING) {
            throw new InvalidRequestException(leaf.path(), "contains tests strings; '" + leaf.key() + "' holds "
                    + type.jsonName() + " values");
        }
        if (leaf.op().isRange() && type == MetadataType.BOOLEAN) {
            throw new InvalidRequestException(leaf.path(), leaf.op().jsonName() + " compares numbers or strings; '"
                    + leaf.key() + "' holds boolean values");
        }
        for (Object v : leaf.values()) {
            MetadataType given = MetadataType.of(v);
            boolean numeric = type == MetadataType.INTEGER || type == MetadataType.NUMBER;
            boolean fits = numeric ? given == MetadataType.INTEGER || given == MetadataType.NUMBER : given == type;
            if (!fits) {
                throw new InvalidRequestException(leaf.path(), "'" + leaf.key() + "' holds " + type.jsonName()
                        + " values; " + given.jsonName() + " " + quoted(v) + " cannot compare with them");
            }
        }
    }

    private static String quoted(Object v) {
        return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
    }
}
