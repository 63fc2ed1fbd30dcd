package dev.tessera.tokenizers.text;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Counts tokens of a downstream LLM's tokenizer (OpenAI BPE encodings via jtokkit), so that
 * context budgets are measured in the units the LLM will be billed in.
 */
public final class TextTokenCounter {

    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    private final String name;
    private final Encoding encoding;

    private TextTokenCounter(String name, Encoding encoding) {
        this.name = name;
        this.encoding = encoding;
    }

    /** @param name an encoding name such as {@code o200k_base} or {@code cl100k_base} */
    public static TextTokenCounter forEncoding(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (EncodingType type : EncodingType.values()) {
            if (type.getName().equals(key)) {
                return new TextTokenCounter(type.getName(), REGISTRY.getEncoding(type));
            }
        }
        throw new IllegalArgumentException("unknown tokenizer '" + name + "'; known: " + supported());
    }

    public static List<String> supported() {
        return Arrays.stream(EncodingType.values()).map(EncodingType::getName).toList();
    }

    public String name() {
        return name;
    }

    public int count(String text) {
        return encoding.countTokens(text);
    }
}
