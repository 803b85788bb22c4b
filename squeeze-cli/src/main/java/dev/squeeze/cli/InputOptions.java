package dev.squeeze.cli;

import dev.squeeze.text.TextChecks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How much text a command reads (a picocli mixin): {@code --max-input-bytes}, 64 MiB by default. Files, devices
 * and standard input are read up to the cap and no further, so {@code /dev/zero} or an endless pipe ends in one
 * clear error instead of exhausting the heap; text is decoded as strict UTF-8 (errors name the byte offset).
 */
public final class InputOptions {
    public static final long DEFAULT_MAX_INPUT_BYTES = 64L << 20;
    private static final long LARGEST = Integer.MAX_VALUE - 8; // the largest byte[] a JVM allocates

    @Option(
            names = "--max-input-bytes",
            defaultValue = "" + DEFAULT_MAX_INPUT_BYTES,
            description = "Largest input text read, in bytes (default ${DEFAULT-VALUE} = 64 MiB).")
    long maxInputBytes = DEFAULT_MAX_INPUT_BYTES;

    /** Reads {@code source} (a path, or "-" for standard input) as UTF-8 text within the cap. */
    public String readText(String source) throws IOException {
        if ("-".equals(source)) return TextChecks.decodeUtf8(readCapped(System.in, "standard input"), "standard input");
        return readText(Path.of(source));
    }

    public String readText(Path file) throws IOException {
        long cap = limit();
        if (Files.isDirectory(file)) throw new IllegalArgumentException(file + " is a directory, not a text file");
        if (Files.isRegularFile(file) && Files.size(file) > cap) {
            throw new IllegalArgumentException(file + " holds " + Files.size(file)
                    + " bytes, more than the input limit of " + cap + " bytes; raise it with --max-input-bytes");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return TextChecks.decodeUtf8(readCapped(in, file.toString()), file.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file: " + file);
        }
    }

    /** Reads at most cap + 1 bytes: one more than the cap proves the input too large (devices and pipes have no size). */
    private byte[] readCapped(InputStream in, String what) throws IOException {
        long cap = limit();
        byte[] b = in.readNBytes((int) cap + 1);
        if (b.length > cap) {
            throw new IllegalArgumentException(
                    what + " holds more than the input limit of " + cap + " bytes; raise it with --max-input-bytes");
        }
        return b;
    }

    private long limit() {
        if (maxInputBytes <= 0 || maxInputBytes > LARGEST) {
            throw new IllegalArgumentException(
                    "--max-input-bytes must be in [1, " + LARGEST + "], got " + maxInputBytes);
        }
        return maxInputBytes;
    }
}
