package dev.tessera.retrieval.collection;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.chunk.TokenChunker;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.index.VectorEngine;
import dev.tessera.retrieval.index.VectorQuantization;
import dev.tessera.retrieval.index.VectorSimilarity;
import dev.tessera.retrieval.context.ContextPrecompute;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import dev.tessera.retrieval.search.Fusion;
import dev.tessera.retrieval.search.HybridSearcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The named collections of one data directory. Each has its settings in
 * {@code <data-dir>/collections/<name>/collection.json} and its index opened by the backend's
 * {@link IndexOpener} (on the embedded backend, under that same folder). A data directory of the
 * release before collections (one index under {@code <data-dir>/lucene}) becomes the collection
 * {@value CollectionSettings#DEFAULT} by moving its folders, nothing re-embedded.
 */
public final class CollectionRegistry implements AutoCloseable {

    /** How the backend opens and drops one collection's index. */
    public interface IndexOpener {
        DocumentIndex open(CollectionSettings settings, Path dir);

        /** Removes what the backend keeps for the collection outside {@code dir} (nothing, for the embedded one). */
        default void drop(CollectionSettings settings) {}

        /**
         * Collections the backend holds, whichever instance created them: a shared backend
         * (OpenSearch) lists its collection indexes, so every Tessera instance on one cluster serves
         * the same collections. The embedded backend has none beyond the data directory.
         */
        default List<CollectionSettings> discover() {
            return List.of();
        }
    }

    /**
     * Chunking of model collections, and what is computed per chunk for context assembly.
     *
     * @param spans span vectors stored with each chunk ({@link ContextPrecompute}); null: none
     */
    public record Chunking(int tokens, int overlap, ContextPrecompute spans) {

        public Chunking(int tokens, int overlap) {
            this(tokens, overlap, null);
        }
    }

    /** Fusion and candidate depth of every collection's hybrid search. */
    public record Searching(Fusion fusion, int candidates) {}

    private static final Logger log = LoggerFactory.getLogger(CollectionRegistry.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SETTINGS_FILE = "collection.json";

    private final Path root;
    private final IndexOpener opener;
    private final Function<String, Embedder> embedders;
    private final Chunking chunking;
    private final Searching searching;
    private final Map<String, Collection> open = new ConcurrentHashMap<>();

    /** The stored form of settings (the record validates its name, so reading goes through it). */
    record Stored(String name, String model, int dimension, String similarity, String vectorEngine, String quantization,
            Double oversample) {}

    /**
     * Opens every collection under {@code dataDir}, upgrading an old single-index layout, and creates
     * {@code defaults} when no collection of its name exists yet.
     *
     * @param embedders the embedding model of a name; throws for an unknown one
     */
    public CollectionRegistry(Path dataDir, IndexOpener opener, Function<String, Embedder> embedders,
                              Chunking chunking, Searching searching, CollectionSettings defaults) {
        this.root = dataDir.resolve("collections");
        this.opener = opener;
        this.embedders = embedders;
        this.chunking = chunking;
        this.searching = searching;
        try {
            Files.createDirectories(root);
            upgradeSingleIndexLayout(dataDir, defaults);
            try (Stream<Path> dirs = Files.list(root)) {
                for (Path dir : dirs.sorted().toList()) {
                    Path file = dir.resolve(SETTINGS_FILE);
                    if (Files.isRegularFile(file)) {
                        CollectionSettings s = read(file);
                        open.put(s.name(), openCollection(s));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the collections under " + root + ": " + e.getMessage(), e);
        }
        if (!open.containsKey(defaults.name())) {
            create(defaults);
        }
    }

    /** Moves {@code <data-dir>/lucene} (and {@code hnsw}) of the release before collections into the default collection. */
    private void upgradeSingleIndexLayout(Path dataDir, CollectionSettings defaults) throws IOException {
        Path oldLucene = dataDir.resolve("lucene");
        Path target = root.resolve(defaults.name());
        if (!Files.isDirectory(oldLucene) || Files.exists(target.resolve(SETTINGS_FILE))) {
            return;
        }
        Files.createDirectories(target);
        for (String part : List.of("hnsw", "lucene")) { // lucene last: its presence is what marks the old layout
            Path from = dataDir.resolve(part);
            if (Files.isDirectory(from)) {
                Files.move(from, target.resolve(part), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        write(target.resolve(SETTINGS_FILE), defaults);
        log.info("moved the index of {} into collection '{}' ({})", dataDir, defaults.name(), target);
    }

    public record Created(Collection collection, boolean created) {}

    /**
     * Creates a collection, or returns the existing one when its settings are the same.
     *
     * @throws CollectionConflictException when one of that name exists with other settings
     */
    public synchronized Created create(CollectionSettings settings) {
        Collection existing = open.containsKey(settings.name()) ? open.get(settings.name()) : adopt(settings.name());
        if (existing != null) {
            if (!existing.settings().equals(settings)) {
                throw new CollectionConflictException("collection '" + settings.name() + "' exists with other settings: "
                        + describe(existing.settings()));
            }
            return new Created(existing, false);
        }
        if (!settings.clientVectors()) {
            embedders.apply(settings.model()); // unknown model: fails before anything is written
        }
        Path dir = root.resolve(settings.name());
        try {
            Files.createDirectories(dir);
            Collection c = openCollection(settings);
            write(dir.resolve(SETTINGS_FILE), settings); // last: a collection exists once its settings are durable
            open.put(settings.name(), c);
            return new Created(c, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create collection " + settings.name() + ": " + e.getMessage(), e);
        }
    }

    public static String describe(CollectionSettings s) {
        return (s.clientVectors() ? "client vectors of " + s.dimension() + " dimensions" : "model " + s.model())
                + ", " + s.similarity().jsonName() + " similarity, vector engine " + s.vectorEngine().name().toLowerCase()
                + (s.quantization() == VectorQuantization.NONE ? "" : ", " + s.quantization().jsonName() + " vectors (oversample "
                        + s.oversample() + ")");
    }

    public Collection get(String name) {
        Collection c = name == null ? null : open.get(name);
        if (c == null && name != null) {
            c = adopt(name);
        }
        if (c == null) {
            throw new UnknownCollectionException(name);
        }
        return c;
    }

    /** The collection a route names; the top-level routes (no name) mean {@link CollectionSettings#DEFAULT}. */
    public Collection forRoute(String name) {
        return get(name == null ? CollectionSettings.DEFAULT : name);
    }

    public List<Collection> list() {
        for (CollectionSettings s : opener.discover()) {
            if (!open.containsKey(s.name())) {
                try {
                    adopt(s.name());
                } catch (RuntimeException e) { // a model this instance does not serve, say: list the others
                    log.warn("collection '{}' on the backend cannot be opened here: {}", s.name(), e.getMessage());
                }
            }
        }
        List<Collection> out = new ArrayList<>(open.values());
        out.sort(Comparator.comparing(Collection::name));
        return out;
    }

    /** Closes and deletes a collection with its documents; the next start does not see it. */
    public synchronized void drop(String name) {
        Collection c = get(name);
        open.remove(name);
        c.index().close();
        Path dir = root.resolve(name);
        try {
            Files.deleteIfExists(dir.resolve(SETTINGS_FILE)); // first: a half-deleted folder is not a collection
            opener.drop(c.settings());
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete collection " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Registers a collection the backend holds but this data directory does not (another instance
     * created it on a shared cluster); null when there is none of that name.
     */
    private synchronized Collection adopt(String name) {
        Collection known = open.get(name);
        if (known != null) {
            return known;
        }
        for (CollectionSettings s : opener.discover()) {
            if (s.name().equals(name)) {
                try {
                    Path dir = root.resolve(name);
                    Files.createDirectories(dir);
                    Collection c = openCollection(s);
                    write(dir.resolve(SETTINGS_FILE), s);
                    open.put(name, c);
                    log.info("collection '{}' ({}) found on the backend, created elsewhere", name, describe(s));
                    return c;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot register collection " + name + ": " + e.getMessage(), e);
                }
            }
        }
        return null;
    }

    private Collection openCollection(CollectionSettings s) {
        DocumentIndex index = opener.open(s, root.resolve(s.name()));
        Embedder embedder = s.clientVectors() ? null : embedders.apply(s.model());
        DocumentIngestor ingestor = embedder == null ? DocumentIngestor.forClientVectors(index, s.dimension())
                : new DocumentIngestor(new TokenChunker(embedder.tokenizer(), chunking.tokens(), chunking.overlap()),
                        embedder, index, chunking.spans());
        HybridSearcher searcher = new HybridSearcher(index, embedder, searching.fusion(), searching.candidates());
        return new Collection(s, index, embedder, ingestor, searcher);
    }

    private static CollectionSettings read(Path file) throws IOException {
        Stored s = JSON.readValue(file.toFile(), Stored.class);
        return new CollectionSettings(s.name(), s.model(), s.dimension(), VectorSimilarity.parse(s.similarity()),
                VectorEngine.parse(s.vectorEngine()), VectorQuantization.parse(s.quantization()), // absent before 0.2: none
                s.oversample() == null ? 0 : s.oversample());
    }

    /** Atomically and durably: a crash leaves the old file or the new one. */
    private static void write(Path file, CollectionSettings s) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, JSON.writeValueAsString(new Stored(s.name(), s.model(), s.dimension(),
                s.similarity().name(), s.vectorEngine().name(), s.quantization().name(), s.oversample())));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        for (Collection c : open.values()) {
            try {
                c.index().close();
            } catch (RuntimeException e) {
                log.warn("closing collection {} failed: {}", c.name(), e.getMessage());
            }
        }
        open.clear();
    }

    /** @throws InvalidRequestException when the name is not a collection name */
    public static String requireName(String name) {
        CollectionSettings.checkName(name);
        return name;
    }
}
