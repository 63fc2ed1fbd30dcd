package dev.tessera.tokenizers.audio;

import dev.tessera.tokenizers.audio.encodec.EncodecModel;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Audio tokenization from the command line, without a server:
 * <pre>
 * tokenize-audio   --model DIR [--device auto|cpu|gpu] [--bandwidth KBPS | --codebooks N] FILE
 *                  prints one line per codebook: its ids, space-separated (codebooks[q][t])
 * detokenize-audio --model DIR [--device ...] --codes CODES.txt --out OUT.wav
 *                  reads that same format (one line per codebook) and writes 16-bit PCM
 * </pre>
 * FILE is anything FFmpeg reads (WAV, FLAC, MP3, Ogg, M4A, a video's sound track).
 */
public final class AudioTokenizerCommand {

    private AudioTokenizerCommand() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || !(args[0].equals("tokenize-audio") || args[0].equals("detokenize-audio"))) {
            err.println("usage: tokenize-audio --model DIR [--device D] [--bandwidth KBPS | --codebooks N] FILE");
            err.println("       detokenize-audio --model DIR [--device D] --codes CODES.txt --out OUT.wav");
            return 2;
        }
        String model = null;
        String device = "auto";
        Double bandwidth = null;
        Integer codebooks = null;
        String codesFile = null;
        String output = null;
        List<String> files = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> model = args[++i];
                case "--device" -> device = args[++i];
                case "--bandwidth" -> bandwidth = Double.parseDouble(args[++i]);
                case "--codebooks" -> codebooks = Integer.parseInt(args[++i]);
                case "--codes" -> codesFile = args[++i];
                case "--out" -> output = args[++i];
                default -> files.add(args[i]);
            }
        }
        if (model == null) {
            err.println("--model DIR is required (a folder with config.json and model.safetensors)");
            return 2;
        }
        try (EncodecModel codec = EncodecModel.load(Path.of(model), device)) {
            if (args[0].equals("tokenize-audio")) {
                if (files.size() != 1) {
                    err.println("give exactly one audio file");
                    return 2;
                }
                int nq = codebooks != null ? codebooks
                        : codec.numCodebooks(bandwidth != null ? bandwidth : codec.defaultBandwidth());
                if (nq < 1 || nq > codec.maxCodebooks()) {
                    err.println("--codebooks must be in [1, " + codec.maxCodebooks() + "]");
                    return 2;
                }
                AudioDecoder.Decoded audio = AudioDecoder.decode(Path.of(files.get(0)), codec.sampleRate(), 0);
                int[][] codes = codec.encode(audio.samples(), nq);
                err.printf("%s: %.2f s at %d Hz → %d codebooks × %d frames (%.1f frames/s)%n", files.get(0),
                        audio.seconds(), codec.sampleRate(), codes.length, codes.length == 0 ? 0 : codes[0].length,
                        codec.frameRate());
                for (int[] row : codes) {
                    out.println(String.join(" ", Arrays.stream(row).mapToObj(String::valueOf).toList()));
                }
                return 0;
            }
            if (codesFile == null || output == null) {
                err.println("detokenize-audio needs --codes and --out");
                return 2;
            }
            List<int[]> rows = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of(codesFile))) {
                if (!line.isBlank()) {
                    rows.add(Arrays.stream(line.trim().split("\\s+")).mapToInt(Integer::parseInt).toArray());
                }
            }
            float[] wave = codec.decode(rows.toArray(int[][]::new));
            Files.write(Path.of(output), Wav.pcm16(wave, codec.sampleRate()));
            err.printf("wrote %s: %.2f s at %d Hz%n", output, wave.length / (double) codec.sampleRate(), codec.sampleRate());
            return 0;
        }
    }
}
