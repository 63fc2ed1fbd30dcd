package dev.tessera.tokenizers.nn.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A checkpoint folder replaced as a whole: written beside it ({@code NAME.tmp}) and swapped in, so
 * an interrupted save leaves the previous checkpoint whole.
 */
public final class CheckpointDirectory {

    /** Writes the files of a checkpoint into the folder it is given. */
    @FunctionalInterface
    public interface Contents {
        void writeTo(Path dir) throws IOException;
    }

    private CheckpointDirectory() {}

    /** Writes {@code contents} into {@code dir.tmp}, then moves it to {@code dir} (the old one goes). */
    public static void replace(Path dir, Contents contents) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        Path tmp = parent.resolve(dir.getFileName() + ".tmp");
        Path old = parent.resolve(dir.getFileName() + ".old");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        contents.writeTo(tmp);
        deleteTree(old);
        if (Files.exists(dir)) {
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
        }
        for (Path p : paths) {
            Files.delete(p);
        }
    }
}
