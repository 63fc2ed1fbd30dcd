package dev.tessera.benchmarks.data;

import dev.tessera.retrieval.document.Document;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads {@code corpus.jsonl}, {@code queries.jsonl} and {@code qrels.tsv} from a BEIR folder. */
public final class BeirReader {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private BeirReader() {}

    public static BeirDataset read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("dataset folder not found: " + dir);
        }
        List<Document> documents = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (JsonNode line : jsonLines(dir.resolve("corpus.jsonl"))) {
            String id = line.get("_id").asString();
            String text = line.path("text").asString("");
            if (text.isBlank()) {
                skipped.add(id); // the ingest API rejects empty text, as it should
                continue;
            }
            JsonNode meta = line.get("metadata");
            Map<String, Object> metadata = meta == null || meta.isNull() ? Map.of() : JSON.treeToValue(meta, MAP);
            documents.add(new Document(id, line.path("title").asString(""), text, metadata));
        }
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode line : jsonLines(dir.resolve("queries.jsonl"))) {
            queries.put(line.get("_id").asString(), line.path("text").asString(""));
        }
        Path qrelsFile = dir.resolve("qrels.tsv");
        Map<String, Map<String, Integer>> qrels = Files.isRegularFile(qrelsFile) ? qrels(qrelsFile) : Map.of();
        return new BeirDataset(dir.toAbsolutePath().normalize().getParent().getFileName().toString(),
                documents, skipped, queries, qrels);
    }

    /** Only the query texts, for benchmarks that need no corpus. */
    public static List<String> queryTexts(Path dir) {
        return jsonLines(dir.resolve("queries.jsonl")).stream().map(n -> n.path("text").asString("")).toList();
    }

    /** Rows {@code query-id corpus-id score}, tab-separated, after one header line. */
    static Map<String, Map<String, Integer>> qrels(Path file) {
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String header = in.readLine();
            if (header == null || !header.startsWith("query-id")) {
                throw new IllegalArgumentException(file + ": expected a 'query-id corpus-id score' header");
            }
            String row;
            while ((row = in.readLine()) != null) {
                if (row.isBlank()) {
                    continue;
                }
                String[] cols = row.split("\t");
                if (cols.length < 3) {
                    throw new IllegalArgumentException(file + ": bad row '" + row + "'");
                }
                out.computeIfAbsent(cols[0], k -> new LinkedHashMap<>()).put(cols[1], Integer.parseInt(cols[2].strip()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static List<JsonNode> jsonLines(Path file) {
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return out;
    }
}
