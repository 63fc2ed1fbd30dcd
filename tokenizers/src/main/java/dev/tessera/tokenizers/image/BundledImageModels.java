package dev.tessera.tokenizers.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The image tokenizers shipped inside this module's jar ({@code tessera/models/<name>/config.json}
 * + {@code model.safetensors}, listed in {@code tessera/models/bundled.txt}): small models trained
 * by {@code tessera train titok}, so that a fresh service can tokenize images with no set-up.
 * Loading needs files, so {@link #extract} copies one folder out of the jar.
 */
public final class BundledImageModels {

    private static final String ROOT = "tessera/models/";
    private static final List<String> FILES = List.of("config.json", "model.safetensors");

    private BundledImageModels() {}

    /** Names of the bundled models, in the order the list file gives them. */
    public static List<String> names() {
        try (InputStream in = resource(ROOT + "bundled.txt")) {
            if (in == null) {
                return List.of();
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies model {@code name} into {@code parent/name/} and returns that folder. */
    public static Path extract(String name, Path parent) throws IOException {
        if (!names().contains(name)) {
            throw new IllegalArgumentException("no bundled image model '" + name + "', bundled: " + names());
        }
        Path dir = Files.createDirectories(parent.resolve(name));
        for (String file : FILES) {
            try (InputStream in = resource(ROOT + name + "/" + file)) {
                if (in == null) {
                    throw new IOException("bundled model " + name + " lacks " + file);
                }
                Files.copy(in, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    private static InputStream resource(String path) {
        return BundledImageModels.class.getClassLoader().getResourceAsStream(path);
    }
}
