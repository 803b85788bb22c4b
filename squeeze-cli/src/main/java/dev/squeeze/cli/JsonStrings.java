package dev.squeeze.cli;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** Quoting for the JSON the commands print by hand: every control character escaped, so the output always parses. */
public final class JsonStrings {
    private JsonStrings() {}

    /** {@code s} as the contents of a JSON string literal (without the surrounding quotes). */
    public static String escape(String s) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(s));
    }
}
