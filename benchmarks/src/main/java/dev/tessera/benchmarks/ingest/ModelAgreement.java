package dev.tessera.benchmarks.ingest;

import dev.tessera.benchmarks.Models;
import dev.tessera.benchmarks.cli.Args;
import dev.tessera.benchmarks.data.BeirDataset;
import dev.tessera.benchmarks.data.BeirReader;
import dev.tessera.benchmarks.report.MarkdownTable;
import dev.tessera.retrieval.chunk.TokenChunker;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.embed.DjlEmbedder;
import dev.tessera.retrieval.embed.Embedder.Role;
import dev.tessera.retrieval.embed.VectorMath;
import dev.tessera.retrieval.search.SearchDefaults;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench agreement}: how closely a quantised model reproduces its float original — cosine
 * between the two models' vectors of the same passages (chunks of a corpus, as the write path cuts
 * them), and texts/s of each on those passages.
 */
public final class ModelAgreement {

    private ModelAgreement() {}

    public static void run(Args args) {
        args.allow("dataset", "passages", "pairs");
        BeirDataset data = BeirReader.read(Path.of(args.require("dataset")));
        int wanted = args.getInt("passages", 1000);
        String pairs = args.get("pairs", "bge-small-en-v1.5=bge-small-en-v1.5-q,all-MiniLM-L6-v2=all-MiniLM-L6-v2-q");
        MarkdownTable table = new MarkdownTable("float model", "quantised", ">passages", ">mean cosine", ">1st percentile",
                ">min", ">float texts/s", ">quantised texts/s", ">speed-up");
        for (String pair : pairs.split(",")) {
            String[] names = pair.split("=");
            try (DjlEmbedder exact = Models.load(names[0]); DjlEmbedder quantised = Models.load(names[1])) {
                List<String> passages = passages(data, exact, wanted);
                exact.embed(passages.subList(0, 32), Role.DOCUMENT); // warm-up
                quantised.embed(passages.subList(0, 32), Role.DOCUMENT);
                long t0 = System.nanoTime();
                List<float[]> a = exact.embed(passages, Role.DOCUMENT);
                double exactSeconds = (System.nanoTime() - t0) / 1e9;
                long t1 = System.nanoTime();
                List<float[]> b = quantised.embed(passages, Role.DOCUMENT);
                double quantisedSeconds = (System.nanoTime() - t1) / 1e9;
                double[] cos = new double[passages.size()];
                for (int i = 0; i < cos.length; i++) {
                    cos[i] = VectorMath.cosine(a.get(i), b.get(i));
                }
                double[] sorted = cos.clone();
                Arrays.sort(sorted);
                table.row(exact.name(), quantised.name(), "%,d".formatted(cos.length), fmt(Arrays.stream(cos).average().orElse(0), 4),
                        fmt(sorted[(int) (0.01 * (sorted.length - 1))], 4), fmt(sorted[0], 4),
                        fmt(cos.length / exactSeconds, 1), fmt(cos.length / quantisedSeconds, 1),
                        fmt(exactSeconds / quantisedSeconds, 2));
            }
        }
        System.out.printf("%n### Quantised models against their float originals: %s, passages of ≤ %d tokens%n%n",
                data.name(), SearchDefaults.CHUNK_TOKENS);
        System.out.print(table);
    }

    /** The first {@code wanted} chunks of the corpus, as the write path embeds them (title, then chunk text). */
    private static List<String> passages(BeirDataset data, DjlEmbedder model, int wanted) {
        TokenChunker chunker = new TokenChunker(model.tokenizer(), SearchDefaults.CHUNK_TOKENS, SearchDefaults.CHUNK_OVERLAP);
        List<String> out = new ArrayList<>();
        for (Document d : data.documents()) {
            for (var chunk : chunker.chunk(d.text())) {
                out.add(d.titled(chunk.text()));
                if (out.size() == wanted) {
                    return out;
                }
            }
        }
        return out;
    }

    private static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
