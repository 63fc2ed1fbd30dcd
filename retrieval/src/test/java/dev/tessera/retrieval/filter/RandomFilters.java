package dev.tessera.retrieval.filter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random typed metadata and random filter trees over every operator, in their JSON form, for tests
 * that hold a backend to {@link FilterEvaluator}. Keys have fixed types (as a collection's mapping
 * would after first use); values come from small domains so that filters select something.
 */
public final class RandomFilters {

    /** key → type: s string, i integer, n number, b boolean; arrays of the same types under "tags"-like keys. */
    static final String[] KEYS = {"lang", "year", "score", "draft", "tags", "sizes", "title_word", "missing_key"};

    private static final String[] WORDS = {"en", "de", "fr", "alpha", "beta", "Beta", "gamma", "zeta", "é", "a.b", "a*b"};

    private RandomFilters() {}

    /** The seed from {@code -Dtests.seed} (hex or decimal), or a fresh one; print it with a failure. */
    public static long seed() {
        String s = System.getProperty("tests.seed");
        if (s == null || s.isBlank()) {
            return new Random().nextLong();
        }
        return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
    }

    /** Metadata for one document: each key present or not; arrays may be empty. */
    public static Map<String, Object> metadata(Random r) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (r.nextInt(5) > 0) {
            m.put("lang", word(r));
        }
        if (r.nextInt(5) > 0) {
            m.put("year", (long) (1990 + r.nextInt(40)));
        }
        if (r.nextInt(4) > 0) {
            m.put("score", r.nextInt(5) == 0 ? (double) r.nextInt(10) : Math.round(r.nextDouble() * 100) / 10.0);
        }
        if (r.nextInt(3) > 0) {
            m.put("draft", r.nextBoolean());
        }
        if (r.nextInt(3) > 0) {
            List<Object> tags = new ArrayList<>();
            for (int i = r.nextInt(4); i > 0; i--) {
                tags.add(word(r));
            }
            m.put("tags", tags);
        }
        if (r.nextInt(3) > 0) {
            List<Object> sizes = new ArrayList<>();
            for (int i = r.nextInt(4); i > 0; i--) {
                sizes.add((long) r.nextInt(20) - 5);
            }
            m.put("sizes", sizes);
        }
        if (r.nextBoolean()) {
            m.put("title_word", word(r) + (r.nextBoolean() ? " " + word(r) : ""));
        }
        return m;
    }

    /** A random filter tree, as JSON-like maps and lists. */
    public static Object filter(Random r) {
        return node(r, 0);
    }

    private static Object node(Random r, int depth) {
        int pick = depth >= 3 ? 3 + r.nextInt(4) : r.nextInt(8);
        return switch (pick) {
            case 0 -> Map.of("and", children(r, depth));
            case 1 -> Map.of("or", children(r, depth));
            case 2 -> Map.of("not", node(r, depth + 1));
            case 3 -> { // several keys in one object: an implicit and
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 1 + r.nextInt(2); i > 0; i--) {
                    String key = KEYS[r.nextInt(KEYS.length)];
                    m.put(key, test(r, key));
                }
                yield m;
            }
            default -> {
                String key = KEYS[r.nextInt(KEYS.length)];
                yield Map.of(key, test(r, key));
            }
        };
    }

    private static List<Object> children(Random r, int depth) {
        List<Object> out = new ArrayList<>();
        for (int i = 1 + r.nextInt(3); i > 0; i--) {
            out.add(node(r, depth + 1));
        }
        return out;
    }

    /** The value under a key in a filter: shorthand, or an operator object. */
    private static Object test(Random r, String key) {
        String kind = switch (key) {
            case "lang", "tags", "title_word", "missing_key" -> "s";
            case "year", "sizes" -> "i";
            case "score" -> "n";
            default -> "b";
        };
        int op = r.nextInt(12);
        return switch (op) {
            case 0 -> value(r, kind); // shorthand eq
            case 1 -> values(r, kind); // shorthand in
            case 2 -> Map.of("eq", value(r, kind));
            case 3 -> Map.of("ne", value(r, kind));
            case 4 -> Map.of("in", values(r, kind));
            case 5 -> Map.of("nin", values(r, kind));
            case 6 -> Map.of("exists", r.nextBoolean());
            case 7 -> kind.equals("s") ? Map.of("contains", word(r).substring(0, 1)) : Map.of("exists", true);
            default -> {
                if (kind.equals("b")) {
                    yield Map.of("eq", r.nextBoolean());
                }
                String[] ranges = {"gt", "gte", "lt", "lte"};
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(ranges[r.nextInt(4)], value(r, kind));
                if (r.nextBoolean()) { // a two-sided range in one operator object
                    m.put(ranges[r.nextInt(4)], value(r, kind));
                }
                yield m;
            }
        };
    }

    private static Object value(Random r, String kind) {
        return switch (kind) {
            case "s" -> word(r);
            case "i" -> r.nextInt(4) == 0 ? 1990 + r.nextInt(40) + 0.5 : (Object) (long) (r.nextBoolean()
                    ? 1990 + r.nextInt(40) : r.nextInt(20) - 5);
            case "n" -> r.nextBoolean() ? (Object) (long) r.nextInt(10) : Math.round(r.nextDouble() * 100) / 10.0;
            default -> r.nextBoolean();
        };
    }

    private static List<Object> values(Random r, String kind) {
        List<Object> out = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            out.add(value(r, kind));
        }
        return out;
    }

    private static String word(Random r) {
        return WORDS[r.nextInt(WORDS.length)];
    }
}
