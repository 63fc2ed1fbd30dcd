package dev.tessera.tokenizers.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The captions file beside a folder of images: {@code captions.tsv}, UTF-8, one line
 * {@code <file name>\t<caption>} per image, no header (as scripts/prepare-image-data.sh writes it).
 */
public final class CaptionsTsv {

    public static final String FILE = "captions.tsv";

    private CaptionsTsv() {}

    /** File name → caption (stripped) for {@code dir}; lines without a tab or with a blank caption are left out. */
    public static Map<String, String> read(Path dir) throws IOException {
        Map<String, String> table = new HashMap<>();
        Path tsv = dir.resolve(FILE);
        if (!Files.isRegularFile(tsv)) {
            return table;
        }
        for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            if (tab > 0 && !line.substring(tab + 1).isBlank()) {
                table.put(line.substring(0, tab), line.substring(tab + 1).strip());
            }
        }
        return table;
    }
}
