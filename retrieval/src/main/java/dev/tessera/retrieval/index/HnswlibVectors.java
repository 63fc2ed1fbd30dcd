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
    private final VectorSimilarity similarity;
    private final AtomicLong versions = new AtomicLong(System.currentTimeMillis());
    private HnswIndex<String, float[], Entry, Float> graph;

    private HnswlibVectors(int dimension, VectorSimilarity similarity, HnswIndex<String, float[], Entry, Float> graph) {
        this.dimension = dimension;
        this.similarity = similarity;
        this.graph = graph;
    }

    static HnswlibVectors empty(int dimension, int capacity, VectorSimilarity similarity) {
        HnswIndex<String, float[], Entry, Float> graph = HnswIndex
                .newBuilder(dimension, similarity == VectorSimilarity.EUCLIDEAN ? DistanceFunctions.FLOAT_EUCLIDEAN_DISTANCE
                        : DistanceFunctions.FLOAT_INNER_PRODUCT, Math.max(1024, capacity))
                .withM(M)
                .withEfConstruction(EF_CONSTRUCTION)
                .withEf(EF_SEARCH)
                .withRemoveEnabled()
                .build();
        return new HnswlibVectors(dimension, similarity, graph);
    }

    static HnswlibVectors load(Path file, int dimension, VectorSimilarity similarity) throws IOException {
        HnswIndex<String, float[], Entry, Float> graph = HnswIndex.load(file, HnswlibVectors.class.getClassLoader());
        if (graph.getDimensions() != dimension) {
            throw new IOException("hnsw snapshot has dimension " + graph.getDimensions() + ", expected " + dimension);
        }
        return new HnswlibVectors(dimension, similarity, graph);
    }

    /** Batches smaller than this are inserted on the calling thread. */
    static final int PARALLEL_INSERT_MIN = 64;

    /**
     * Adds (or replaces) vectors, inserting a large batch into the graph with one thread per available
     * processor (hnswlib's graph takes concurrent inserts), so bulk writes and rebuilds use every core.
     */
    synchronized void putAll(java.util.Map<String, float[]> vectors) {
        if (vectors.isEmpty()) {
            return;
        }
        List<Entry> entries = new java.util.ArrayList<>(vectors.size());
        vectors.forEach((id, vector) -> {
            if (vector.length != dimension) {
                throw new IllegalArgumentException("vector has " + vector.length + " dimensions, index has " + dimension);
            }
            entries.add(new Entry(id, vector, versions.incrementAndGet()));
        });
        while (graph.size() + entries.size() > graph.getMaxItemCount()) {
            graph.resize(graph.getMaxItemCount() * 2);
        }
        if (entries.size() < PARALLEL_INSERT_MIN) {
            entries.forEach(graph::add); // a few vectors: not worth a thread pool
            return;
        }
        try {
            graph.addAll(entries);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while adding vectors to the hnswlib graph", e);
        }
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

    /** Drops every vector (a collection cleared of all its documents). */
    synchronized void clear() {
        graph = empty(dimension, 1024, similarity).graph;
    }

    /** The score {@link VectorSimilarity} reports for two vectors (as stored: unit length for cosine). */
    float score(float[] query, float[] stored) {
        if (similarity == VectorSimilarity.EUCLIDEAN) {
            return 1f / (1f + org.apache.lucene.util.VectorUtil.squareDistance(query, stored));
        }
        return org.apache.lucene.util.VectorUtil.dotProduct(query, stored);
    }

    /** Approximate nearest neighbours, scored as {@link #score}. */
    List<Scored> nearest(float[] query, int k) {
        List<SearchResult<Entry, Float>> found = graph.findNearest(query, k);
        List<Scored> out = new ArrayList<>(found.size());
        for (SearchResult<Entry, Float> r : found) {
            float d = r.distance();
            out.add(new Scored(r.item().id(), similarity == VectorSimilarity.EUCLIDEAN ? 1f / (1f + d * d) : 1f - d));
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
