package dev.tessera.retrieval.embed;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * ONNX Runtime session settings, set deliberately rather than left to the runtime's guesses, and
 * handed to DJL as the criteria options its OnnxRuntime engine reads ({@code OrtModel}). ONNX
 * Runtime's own default for intra-op threads is the number of <em>physical</em> cores, which on a
 * hyper-threaded VM can be half of what the container may use.
 *
 * @param optimization   graph optimisation: {@code NO_OPT}, {@code BASIC_OPT}, {@code EXTENDED_OPT}
 *                       (fuses attention, layer norms and GELU) or {@code ALL_OPT} (also layout changes)
 * @param intraOpThreads threads inside one operator (matrix multiplies); 0 = available processors
 * @param interOpThreads threads across independent operators; 1 runs the graph sequentially
 * @param cpuArena       keep freed buffers in ONNX Runtime's arena for the next forward pass
 * @param memoryPattern  plan buffers from the previous run's shapes
 * @param profileTo      path prefix for ONNX Runtime's JSON profile, or null (off)
 */
public record OnnxSessionOptions(String optimization, int intraOpThreads, int interOpThreads, boolean cpuArena,
        boolean memoryPattern, String profileTo) {

    public OnnxSessionOptions {
        optimization = optimization == null || optimization.isBlank() ? "ALL_OPT" : optimization.toUpperCase(Locale.ROOT);
        if (!java.util.Set.of("NO_OPT", "BASIC_OPT", "EXTENDED_OPT", "ALL_OPT").contains(optimization)) {
            throw new IllegalArgumentException("ONNX Runtime optimisation level must be NO_OPT, BASIC_OPT, EXTENDED_OPT"
                    + " or ALL_OPT, not " + optimization);
        }
        if (intraOpThreads <= 0) {
            intraOpThreads = Runtime.getRuntime().availableProcessors();
        }
        interOpThreads = Math.max(1, interOpThreads);
    }

    /** Every optimisation, one intra-op thread per available processor, sequential graph, arena and memory pattern on. */
    public static OnnxSessionOptions defaults() {
        return new OnnxSessionOptions("ALL_OPT", 0, 1, true, true, null);
    }

    public OnnxSessionOptions withProfile(String prefix) {
        return new OnnxSessionOptions(optimization, intraOpThreads, interOpThreads, cpuArena, memoryPattern, prefix);
    }

    public OnnxSessionOptions withOptimization(String level) {
        return new OnnxSessionOptions(level, intraOpThreads, interOpThreads, cpuArena, memoryPattern, profileTo);
    }

    /** The options under the names DJL's OnnxRuntime engine reads. */
    Map<String, String> criteriaOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("optLevel", optimization);
        options.put("intraOpNumThreads", Integer.toString(intraOpThreads));
        options.put("interOpNumThreads", Integer.toString(interOpThreads));
        options.put("executionMode", interOpThreads > 1 ? "PARALLEL" : "SEQUENTIAL");
        options.put("cpuArenaAllocator", Boolean.toString(cpuArena));
        options.put("memoryPatternOptimization", Boolean.toString(memoryPattern));
        if (profileTo != null) {
            options.put("profilerOutput", profileTo);
        }
        return options;
    }
}
