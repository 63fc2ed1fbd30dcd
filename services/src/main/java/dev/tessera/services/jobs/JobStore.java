package dev.tessera.services.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bulk jobs on disk, under {@code <data-dir>/jobs/}: {@code <id>.ndjson} is the spooled upload and
 * {@code <id>.json} the job's state, rewritten atomically (temp file, fsync, rename) on every state
 * change and after every committed batch, so a crash leaves either the previous or the next state.
 */
final class JobStore {

    /** Version of the {@code <id>.json} layout; bump it when fields change meaning. */
    static final int FORMAT = 1;

    private static final Logger log = LoggerFactory.getLogger(JobStore.class);

    /**
     * One job's persisted state.
     *
     * @param linesAccounted spool lines (1-based, blank ones included) whose documents are committed or
     *                       counted as failed; a resumed job continues after them
     */
    record Saved(int format, String id, String state, long total, long done, long failed, long linesAccounted,
                 String createdAt, String startedAt, String finishedAt, String message,
                 List<JobStatus.JobError> errors, String collection) {

        /** Jobs saved before collections wrote to the one index there was: the default collection. */
        Saved {
            collection = collection == null ? dev.tessera.retrieval.collection.CollectionSettings.DEFAULT : collection;
        }

        Saved(int format, String id, String state, long total, long done, long failed, long linesAccounted,
              String createdAt, String startedAt, String finishedAt, String message, List<JobStatus.JobError> errors) {
            this(format, id, state, total, done, failed, linesAccounted, createdAt, startedAt, finishedAt, message,
                    errors, null);
        }
    }

    // Its own mapper: the file layout must not change with the web API's JSON settings.
    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Path dir;

    JobStore(Path dir) {
        this.dir = dir;
    }

    Path spool(String id) {
        return dir.resolve(id + ".ndjson");
    }

    private Path state(String id) {
        return dir.resolve(id + ".json");
    }

    void save(Saved saved) {
        Path target = state(saved.id());
        Path tmp = dir.resolve(saved.id() + ".json.tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(saved)));
                out.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the state of job " + saved.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every readable job state, oldest first. Files of another format are left alone (logged); leftovers
     * of a crash (temp files, spools of uploads that never became a job) are removed.
     */
    List<Saved> loadAll() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Saved> out = new ArrayList<>();
        List<Path> spools = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".json.tmp")) {
                    Files.deleteIfExists(file);
                } else if (name.endsWith(".ndjson")) {
                    spools.add(file);
                } else if (name.endsWith(".json")) {
                    read(file).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the jobs under " + dir + ": " + e.getMessage(), e);
        }
        Set<String> known = out.stream().map(Saved::id).collect(Collectors.toSet());
        for (Path spool : spools) {
            String id = spool.getFileName().toString().replace(".ndjson", "");
            if (!known.contains(id)) {
                deleteQuietly(spool);
            }
        }
        out.sort(Comparator.comparing(Saved::createdAt));
        return out;
    }

    private java.util.Optional<Saved> read(Path file) {
        try {
            // The version first: a newer layout may not map onto this one's fields at all.
            JsonNode tree = JSON.readTree(Files.readString(file));
            int format = tree.path("format").asInt(0);
            if (format != FORMAT) {
                log.warn("job file {} has format {}; this version reads format {}; ignored", file, format, FORMAT);
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(JSON.treeToValue(tree, Saved.class));
        } catch (JacksonException e) {
            log.warn("job file {} is unreadable ({}); ignored", file, e.getOriginalMessage());
            return java.util.Optional.empty();
        } catch (IOException e) {
            log.warn("job file {} is unreadable ({}); ignored", file, e.getMessage());
            return java.util.Optional.empty();
        }
    }

    void deleteSpool(String id) {
        deleteQuietly(spool(id));
    }

    void delete(String id) {
        deleteQuietly(state(id));
        deleteQuietly(spool(id));
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not remove {}: {}", file, e.getMessage());
        }
    }
}
