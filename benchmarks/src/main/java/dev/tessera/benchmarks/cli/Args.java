package dev.tessera.benchmarks.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line words and {@code --name value} options as the launcher passes them. Options may
 * repeat ({@code --dataset A --dataset B}); unknown ones are refused so a typo never silently
 * runs a different benchmark than the one asked for.
 */
public final class Args {

    private final List<String> words;
    private final Map<String, List<String>> options;

    private Args(List<String> words, Map<String, List<String>> options) {
        this.words = words;
        this.options = options;
    }

    public static Args parse(String[] argv) {
        List<String> words = new ArrayList<>();
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.startsWith("--")) {
                String name = a.substring(2);
                String value;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                    value = argv[++i];
                } else {
                    throw new UsageException("option --" + name + " needs a value");
                }
                options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                words.add(a);
            }
        }
        return new Args(List.copyOf(words), options);
    }

    public List<String> words() {
        return words;
    }

    /** Fails on options the command does not know. */
    public Args allow(String... names) {
        Set<String> known = Set.of(names);
        for (String name : options.keySet()) {
            if (!known.contains(name)) {
                throw new UsageException("unknown option --" + name + " (known: --" + String.join(", --", names) + ")");
            }
        }
        return this;
    }

    public List<String> all(String name) {
        return options.getOrDefault(name, List.of());
    }

    public String get(String name, String fallback) {
        List<String> values = all(name);
        if (values.size() > 1) {
            throw new UsageException("option --" + name + " given more than once");
        }
        return values.isEmpty() ? fallback : values.getFirst();
    }

    public String require(String name) {
        String value = get(name, null);
        if (value == null) {
            throw new UsageException("option --" + name + " is required");
        }
        return value;
    }

    public int getInt(String name, int fallback) {
        String value = get(name, null);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " must be a whole number, got '" + value + "'");
        }
    }

    /** A comma-separated list of whole numbers, e.g. {@code --sizes 10000,100000}. */
    public List<Integer> getInts(String name, List<Integer> fallback) {
        String value = get(name, null);
        if (value == null) {
            return fallback;
        }
        List<Integer> out = new ArrayList<>();
        for (String part : value.split(",")) {
            try {
                out.add(Integer.parseInt(part.strip().replace("_", "")));
            } catch (NumberFormatException e) {
                throw new UsageException("option --" + name + " must list whole numbers, got '" + value + "'");
            }
        }
        return out;
    }
}
