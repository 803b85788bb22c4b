package dev.squeeze.text;

import java.util.Locale;

/** The OpenAI BPE vocabularies used to count tokens (shipped by jtokkit, nothing downloaded). */
public enum TokenEncoding {
    CL100K_BASE("cl100k_base"),
    O200K_BASE("o200k_base");

    private final String id;

    TokenEncoding(String id) {
        this.id = id;
    }

    /** The name OpenAI and tiktoken use ("cl100k_base"). */
    public String id() {
        return id;
    }

    /** Parses "cl100k_base" / "o200k_base" (case-insensitive); names the accepted values on error. */
    public static TokenEncoding parse(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (TokenEncoding e : values()) if (e.id.equals(n)) return e;
        }
        throw new IllegalArgumentException("unknown encoding '" + name + "'; known: cl100k_base, o200k_base");
    }
}
