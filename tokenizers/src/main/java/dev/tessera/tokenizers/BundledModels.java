package dev.tessera.tokenizers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Small trained models shipped inside this module's jar under {@code tessera/models/<name>/}, one
 * list file per kind naming them. Loading needs files, so {@link #extract} copies a folder out.
 *
 * @param listFile  the list's file name beside the folders (e.g. {@code bundled.txt})
 * @param files     the files each folder holds
 */
public record BundledModels(String kind, String listFile, List<String> files) {

    private static final String ROOT = "tessera/models/";

    /** Names of the bundled models, in the order the list file gives them (none when it is absent). */
    public List<String> names() {
        try (InputStream in = resource(ROOT + listFile)) {
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
    public Path extract(String name, Path parent) throws IOException {
        if (!names().contains(name)) {
            throw new IllegalArgumentException("no bundled " + kind + " '" + name + "', bundled: " + names());
        }
        Path dir = Files.createDirectories(parent.resolve(name));
        for (String file : files) {
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
        return BundledModels.class.getClassLoader().getResourceAsStream(path);
    }
}
