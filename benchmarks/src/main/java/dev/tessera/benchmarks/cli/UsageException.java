package dev.tessera.benchmarks.cli;

/** A command line that cannot be run; the message says why and Main prints the usage. */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}
