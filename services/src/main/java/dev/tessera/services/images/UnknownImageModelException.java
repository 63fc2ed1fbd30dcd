package dev.tessera.services.images;

import java.util.Collection;

public class UnknownImageModelException extends RuntimeException {

    public UnknownImageModelException(String name, Collection<String> installed) {
        super("image model '" + name + "' is not installed; installed: "
                + (installed.isEmpty() ? "none" : String.join(", ", installed)));
    }
}
