package dev.tessera.tokenizers.video;

import java.nio.file.Path;

/** Run in a child JVM with a small heap by {@link VideoMemoryBoundTest}: samples a file and prints the frame count. */
public final class SampleInSmallHeap {

    private SampleInSmallHeap() {}

    public static void main(String[] args) {
        SampledVideo v = VideoFrames.sample(Path.of(args[0]), Double.parseDouble(args[1]), Integer.parseInt(args[2]),
                Integer.parseInt(args[3]), 0);
        System.out.println("frames=" + v.frames().size() + " last_ms=" + v.timesMs()[v.timesMs().length - 1]);
    }
}
