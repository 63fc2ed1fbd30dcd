package dev.tessera.services.jobs;

import java.util.List;

/**
 * A snapshot of a bulk ingest job.
 *
 * @param total     documents (lines) in the upload
 * @param ratePerS  documents per second since the job started
 * @param etaS      seconds left at the current rate; null until there is a rate
 */
public record JobStatus(String id, String state, long total, long done, long failed, double ratePerS, Double etaS,
                        List<JobError> errors) {

    public record JobError(long line, String field, String message) {}
}
