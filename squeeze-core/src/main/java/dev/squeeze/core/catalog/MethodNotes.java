package dev.squeeze.core.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A method's long notes (constants, deviations, caveats), kept beside its declaration as a resource
 * {@code META-INF/squeeze/methods/<name>.txt} of the declaring class's module, so the declaration stays
 * readable. The file is prose wrapped at any width: its lines are joined with single spaces (a file must not
 * break a line where the text has two spaces in a row, or start a line with a space).
 */
public final class MethodNotes {
    /** Where notes live, relative to the class-path root: {@code <DIR><name>.txt}. */
    public static final String DIR = "META-INF/squeeze/methods/";

    private MethodNotes() {}

    /** The notes of {@code method}, read with the class loader of {@code declaring}; a missing file fails loudly. */
    public static String load(Class<?> declaring, String method) {
        String path = DIR + method + ".txt";
        ClassLoader loader = declaring.getClassLoader();
        try (InputStream in =
                loader == null ? ClassLoader.getSystemResourceAsStream(path) : loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(
                        "method '" + method + "' (" + declaring.getName() + ") has no notes resource " + path);
            }
            return unwrap(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " for method '" + method + "'", e);
        }
    }

    /** Joins the lines of a wrapped text with single spaces (trailing line breaks ignored). */
    static String unwrap(String text) {
        String t = text.replace("\r\n", "\n");
        int end = t.length();
        while (end > 0 && t.charAt(end - 1) == '\n') end--;
        return t.substring(0, end).replace('\n', ' ');
    }
}
