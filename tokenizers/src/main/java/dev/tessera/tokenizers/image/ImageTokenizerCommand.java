package dev.tessera.tokenizers.image;

import dev.tessera.tokenizers.image.titok.TiTokTokenizer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Image tokenization from the command line, without a server:
 * <pre>
 * tokenize-image   --model DIR [--device auto|cpu|gpu] [--caption TEXT] FILE...   one line per file: FILE, tab, ids
 * detokenize-image --model DIR [--device ...] [--caption TEXT] --tokens "3 17 ..." --out OUT.png
 * </pre>
 * {@code --caption} (one for all files) is for models trained with captions; the text model they
 * name is found on the class path. {@code --model} also takes the name of a bundled model (titok-tiny).
 */
public final class ImageTokenizerCommand {

    private ImageTokenizerCommand() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || !(args[0].equals("tokenize-image") || args[0].equals("detokenize-image"))) {
            err.println("usage: tokenize-image --model DIR [--device D] [--caption TEXT] FILE...");
            err.println("       detokenize-image --model DIR [--device D] [--caption TEXT] --tokens \"id id ...\" --out FILE.png");
            return 2;
        }
        String model = null;
        String device = "auto";
        String tokens = null;
        String output = null;
        String caption = null;
        List<String> files = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> model = args[++i];
                case "--device" -> device = args[++i];
                case "--tokens" -> tokens = args[++i];
                case "--out" -> output = args[++i];
                case "--caption" -> caption = args[++i];
                default -> files.add(args[i]);
            }
        }
        if (model == null) {
            err.println("--model DIR is required (a folder with config.json and model.safetensors)");
            return 2;
        }
        Path modelDir = Path.of(model);
        Path unpacked = null;
        if (!Files.isDirectory(modelDir) && BundledImageModels.names().contains(model)) {
            unpacked = Files.createTempDirectory("tessera-model");
            modelDir = BundledImageModels.extract(model, unpacked);
        }
        try (TiTokTokenizer tokenizer = TiTokTokenizer.load(modelDir, device)) {
            if (args[0].equals("tokenize-image")) {
                if (files.isEmpty()) {
                    err.println("no image files given");
                    return 2;
                }
                ImagePreprocessor pre = new ImagePreprocessor(Long.MAX_VALUE);
                List<float[]> inputs = new ArrayList<>();
                for (String f : files) {
                    inputs.add(pre.toModelInput(pre.decode(Files.readAllBytes(Path.of(f))), tokenizer.imageSize()));
                }
                int[][] ids = tokenizer.tokenize(inputs, captions(caption, inputs.size()));
                for (int i = 0; i < files.size(); i++) {
                    out.println(files.get(i) + "\t" + String.join(" ", Arrays.stream(ids[i]).mapToObj(String::valueOf).toList()));
                }
                return 0;
            }
            if (tokens == null || output == null) {
                err.println("detokenize-image needs --tokens and --out");
                return 2;
            }
            int[] ids = Arrays.stream(tokens.trim().split("[\\s,]+")).mapToInt(Integer::parseInt).toArray();
            float[] image = tokenizer.detokenize(List.of(ids), captions(caption, 1)).getFirst();
            Files.write(Path.of(output), ImagePreprocessor.toPng(image, tokenizer.imageSize()));
            out.println("wrote " + output);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } finally {
            if (unpacked != null) {
                for (Path p : Files.walk(unpacked).sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static List<String> captions(String caption, int count) {
        return caption == null ? null : java.util.Collections.nCopies(count, caption);
    }
}
