package dev.tessera.retrieval.index;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An hnswlib-java graph over chunk vectors, keyed by chunk id. It is a derived structure: the
 * Lucene index holds every vector too, so a snapshot that does not match the last Lucene commit
 * is rebuilt from there.
 */
final class HnswlibVectors {

    /** One graph node. Versions let a re-added chunk replace its older vector. */
    record Entry(String id, float[] vector, long version) implements Item<String, float[]> {
        @Override
        public int dimensions() {
            return vector.length;
        }
    }

    record Scored(String id, float score) {}

    static final int M = 16;
    static final int EF_CONSTRUCTION = 200;
    static final int EF_SEARCH = 100;

    private final int dimension;
    private final AtomicLong versions = new AtomicLong(System.currentTimeMillis());
    private HnswIndex<String, float[], Entry, Float> graph;

    private HnswlibVectors(int dimension, HnswIndex<String, float[], Entry, Float> graph) {
        this.dimension = dimension;
        this.graph = graph;
    }

    static HnswlibVectors empty(int dimension, int capacity) {
        HnswIndex<String, float[], Entry, Float> graph = HnswIndex
                .newBuilder(dimension, DistanceFunctions.FLOAT_INNER_PRODUCT, Math.max(1024, capacity))
                .withM(M)
                .withEfConstruction(EF_CONSTRUCTION)
                .withEf(EF_SEARCH)
                .withRemoveEnabled()
                .build();
        return new HnswlibVectors(dimension, graph);
    }

    static HnswlibVectors load(Path file, int dimension) throws IOException {
        HnswIndex<String, float[], Entry, Float> graph = HnswIndex.load(file, HnswlibVectors.class.getClassLoader());
        if (graph.getDimensions() != dimension) {
            throw new IOException("hnsw snapshot has dimension " + graph.getDimensions() + ", expected " + dimension);
        }
        return new HnswlibVectors(dimension, graph);
    }

    synchronized void put(String id, float[] vector) {
        if (vector.length != dimension) {
            throw new IllegalArgumentException("vector has " + vector.length + " dimensions, index has " + dimension);
        }
        if (graph.size() + 1 > graph.getMaxItemCount()) {
            graph.resize(graph.getMaxItemCount() * 2);
        }
        graph.add(new Entry(id, vector, versions.incrementAndGet()));
    }

    synchronized boolean remove(String id) {
        return graph.remove(id, versions.incrementAndGet());
    }

    boolean contains(String id) {
        return graph.contains(id);
    }

    Optional<float[]> vector(String id) {
        return graph.get(id).map(Entry::vector);
    }

    int size() {
        return graph.size();
    }

    /** Approximate nearest neighbours; the score is the dot product. */
    List<Scored> nearest(float[] query, int k) {
        List<SearchResult<Entry, Float>> found = graph.findNearest(query, k);
        List<Scored> out = new ArrayList<>(found.size());
        for (SearchResult<Entry, Float> r : found) {
            out.add(new Scored(r.item().id(), 1f - r.distance()));
        }
        return out;
    }

    /** Writes the graph atomically: a crash mid-save leaves the previous snapshot. */
    synchronized void save(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            graph.save(out);
        }
        try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
