package dev.tessera.benchmarks.vectors;

import java.util.Arrays;

/** Per-query wall times of one single-threaded run. */
record Latencies(long[] nanos) {

    double qps() {
        long total = Arrays.stream(nanos).sum();
        return nanos.length / (total / 1e9);
    }

    double percentileMillis(double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        // Nearest-rank percentile: the smallest value with at least p% of samples at or below it.
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
