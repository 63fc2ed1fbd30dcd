package dev.tessera.retrieval.document;

import dev.tessera.retrieval.InvalidRequestException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/** Rules for metadata keys and values, shared by ingest and filters so both agree. */
public final class Metadata {

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

    private Metadata() {}

    public static void checkKey(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new InvalidRequestException("metadata",
                    "metadata key '" + key + "' must be 1-64 characters of letters, digits, '_', '.' or '-'");
        }
    }

    /** The exact-match strings of one metadata value: a scalar, or a list of scalars. */
    public static List<String> values(String key, Object value) {
        checkKey(key);
        List<String> out = new ArrayList<>();
        if (value instanceof Collection<?> list) {
            for (Object item : list) {
                out.add(scalar(key, item));
            }
        } else {
            out.add(scalar(key, value));
        }
        return out;
    }

    private static String scalar(String key, Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof java.math.BigInteger) {
            return value.toString();
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) { // 1e999 parses as infinity; it would be stored as the string "Infinity"
                throw new InvalidRequestException("metadata." + key, "metadata numbers must be finite");
            }
            return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) : Double.toString(d);
        }
        throw new InvalidRequestException("metadata." + key,
                "metadata values must be strings, numbers, booleans or lists of them");
    }
}
