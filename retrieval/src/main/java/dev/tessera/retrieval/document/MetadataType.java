package dev.tessera.retrieval.document;

import java.util.Locale;

/** The type of a metadata key in one collection, fixed by the key's first use. */
public enum MetadataType {
    STRING, INTEGER, NUMBER, BOOLEAN;

    /** The type of one normalised scalar ({@link Metadata#scalar}). */
    public static MetadataType of(Object scalar) {
        return switch (scalar) {
            case String s -> STRING;
            case Long l -> INTEGER;
            case Double d -> NUMBER;
            case Boolean b -> BOOLEAN;
            default -> throw new IllegalArgumentException("not a metadata scalar: " + scalar);
        };
    }

    public static MetadataType parse(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a value of type {@code value} may be stored under a key of this type. */
    public boolean admits(MetadataType value) {
        return this == value || (this == NUMBER && value == INTEGER);
    }
}
