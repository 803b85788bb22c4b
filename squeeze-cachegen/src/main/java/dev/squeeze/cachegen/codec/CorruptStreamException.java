package dev.squeeze.cachegen.codec;

import java.io.IOException;

/** A CacheGen stream that is damaged, truncated, of another version or of another model; the message says where. */
public class CorruptStreamException extends IOException {
    public CorruptStreamException(String message) {
        super(message);
    }

    public CorruptStreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
