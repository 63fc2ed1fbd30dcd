package dev.tessera.retrieval.embed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Turns a model location into a local file. Engines load files, so weights carried in a jar are
 * copied once to a cache folder (keyed by name and size, so a new jar version is copied again).
 */
public final class ModelFiles {

    private static final String CLASSPATH = "classpath:";

    private ModelFiles() {}

    public static Path resolve(String location) {
        if (!location.startsWith(CLASSPATH)) {
            Path path = Path.of(location);
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("model file not found: " + path);
            }
            return path;
        }
        String resource = location.substring(CLASSPATH.length());
        String stripped = resource.startsWith("/") ? resource.substring(1) : resource;
        URL url = ModelFiles.class.getClassLoader().getResource(stripped);
        if (url == null) {
            throw new IllegalArgumentException("model resource not on the classpath: " + resource);
        }
        try {
            URLConnection connection = url.openConnection();
            long size = connection.getContentLengthLong();
            Path dir = cacheDir();
            Path target = dir.resolve(size + "-" + Path.of(stripped).getFileName());
            if (Files.isRegularFile(target) && Files.size(target) == size) {
                return target;
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "copy", ".part");
            try (InputStream in = connection.getInputStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack model resource " + resource, e);
        }
    }

    static Path cacheDir() {
        String configured = System.getProperty("tessera.model-cache");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "tessera-models");
    }
}
