package dev.tessera.retrieval.index;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises writes of the same document id within one process: striped locks, taken in a fixed
 * order so that two batches cannot deadlock.
 */
public final class DocumentLocks {

    private static final int STRIPES = 64;

    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    public DocumentLocks() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** The locks of these ids, held until closed. */
    public Held lock(List<String> ids) {
        int[] wanted = ids.stream().mapToInt(id -> Math.floorMod(id.hashCode(), STRIPES)).distinct().sorted().toArray();
        List<ReentrantLock> held = new ArrayList<>(wanted.length);
        for (int s : wanted) {
            stripes[s].lock();
            held.add(stripes[s]);
        }
        return new Held(held);
    }

    /** Locks held by one write. */
    public static final class Held implements AutoCloseable {
        private final List<ReentrantLock> locks;

        private Held(List<ReentrantLock> locks) {
            this.locks = locks;
        }

        @Override
        public void close() {
            locks.forEach(ReentrantLock::unlock);
        }
    }
}
