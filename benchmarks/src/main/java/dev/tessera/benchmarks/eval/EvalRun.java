package dev.tessera.benchmarks.eval;

import dev.tessera.retrieval.search.Fusion;
import dev.tessera.retrieval.search.SearchMode;

/**
 * One row of the evaluation table.
 *
 * @param fusion null for the searcher's default, i.e. what the service serves
 */
record EvalRun(String name, SearchMode mode, Fusion fusion) {}
