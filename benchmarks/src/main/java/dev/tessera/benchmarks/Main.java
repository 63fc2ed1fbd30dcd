package dev.tessera.benchmarks;

import dev.tessera.benchmarks.cli.Args;
import dev.tessera.benchmarks.cli.UsageException;
import dev.tessera.benchmarks.eval.IrEvaluation;
import dev.tessera.benchmarks.ingest.IngestBenchmark;
import dev.tessera.benchmarks.load.LoadBenchmark;
import dev.tessera.benchmarks.rag.RagEvaluation;
import dev.tessera.benchmarks.rag.RagLatencyBenchmark;
import dev.tessera.benchmarks.titok.ReconstructionEvaluation;
import dev.tessera.benchmarks.titok.TiTokBenchmark;
import dev.tessera.benchmarks.vectors.VectorBenchmark;
import dev.tessera.benchmarks.video.VideoBenchmark;
import java.util.List;

/** Entry point of the runnable benchmarks; the launcher passes its arguments through unchanged. */
public final class Main {

    static final String USAGE = """
            usage:
              eval ir --dataset DIR [--engine lucene|hnswlib] [--model NAME]
              bench ingest --dataset DIR [--docs N] [--model NAME] [--other NAME] [--rounds 2]
              bench agreement --dataset DIR [--passages 1000] [--pairs FLOAT=QUANTISED,...]
              bench vectors --dataset DIR [--dataset DIR2] [--sizes 10000,100000] [--queries 1000] [--cache DIR]
                            [--real 100000] [--quantization none,int8,int8:1.5,int4,binary] [--hnswlib true]
              bench filters --dataset DIR [--dataset DIR2] [--size 100000] [--queries 500] [--engine lucene,hnswlib]
              bench gpu-check [--titok s128|DIR] [--encodec 24khz|DIR] [--embedder NAME] [--repeat 5]
              bench titok [--fixture DIR] [--variant s128] [--seconds 20]
              eval titok --data DIR --models NAME=DIR,... [--baseline NAME] [--figure F.png] [--limit N]
              bench video [--photos DIR] [--seconds 10,60,300] [--fps 1] [--max-frames 300]
              eval encodec --data DIR --models NAME=DIR,... [--limit N]
              bench audio [--seconds 10] [--repeat 3] [--data DIR] [--models NAME=DIR,...]
              bench training [--steps 10] [--rounds 3]
              bench video-search [--clips 5000] [--queries 200] [--dim 64] [--k 10]
              eval rag --dataset DIR [--budgets 64,128,256,512,1024] [--questions 300] [--k 20] [--plot FILE.svg]
                       [--strategies topk,crag,refrag] [--refrag-variants "sent=0.5:idf=1;..."]
              bench rag-http --dataset DIR [--questions 200] [--k 20] [--budget 256] [--jar services/target/tessera.jar]
                             [--cold true]   (fresh service, crag and refrag on different untouched questions)
              bench load [--seconds 60] [--ingest-clients 2] [--search-clients 4] [--seed-docs 200] [--jar services/target/tessera.jar]
            """;

    private Main() {}

    public static void main(String[] argv) {
        int status = 0;
        try {
            Args args = Args.parse(argv);
            List<String> words = args.words();
            String command = String.join(" ", words);
            switch (command) {
                case "eval ir" -> IrEvaluation.run(args);
                case "bench ingest" -> IngestBenchmark.run(args);
                case "bench agreement" -> dev.tessera.benchmarks.ingest.ModelAgreement.run(args);
                case "bench vectors" -> VectorBenchmark.run(args);
                case "bench filters" -> dev.tessera.benchmarks.vectors.FilterBenchmark.run(args);
                case "bench titok" -> TiTokBenchmark.run(args);
                case "bench gpu-check" -> dev.tessera.benchmarks.gpu.GpuCheck.run(args);
                case "eval titok" -> ReconstructionEvaluation.run(args);
                case "bench video" -> VideoBenchmark.run(args);
                case "bench audio" -> dev.tessera.benchmarks.audio.AudioBenchmark.run(args);
                case "bench training" -> dev.tessera.benchmarks.training.TrainingStepBenchmark.run(args);
                case "eval encodec" -> dev.tessera.benchmarks.audio.AudioCodecEvaluation.run(args);
                case "bench video-search" -> dev.tessera.benchmarks.video.VideoSearchBenchmark.run(args);
                case "eval rag" -> RagEvaluation.run(args);
                case "bench rag-http" -> RagLatencyBenchmark.run(args);
                case "bench load" -> status = LoadBenchmark.run(args);
                default -> throw new UsageException(command.isEmpty() ? "no command given" : "unknown command '" + command + "'");
            }
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        }
        // DJL and ONNX Runtime leave non-daemon threads behind; a benchmark is done when it has printed.
        System.exit(status);
    }
}
