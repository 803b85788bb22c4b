package dev.squeeze.core.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the read-only evaluation data ({@code ../shared/data} beside the project root). Tests and
 * benchmarks call {@link #locate()} and skip cleanly when it is absent, so a fresh clone still builds.
 * The environment variable {@code SQUEEZE_DATA} overrides the search.
 */
public final class SharedData {
    private SharedData() {}

    /** The data folder, if found: $SQUEEZE_DATA, else the first {@code shared/data} above the working directory. */
    public static Optional<Path> locate() {
        String env = System.getenv("SQUEEZE_DATA");
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("shared").resolve("data");
            if (Files.isRegularFile(candidate.resolve("README.md"))) return Optional.of(candidate);
            dir = dir.getParent();
        }
        return Optional.empty();
    }

    /** A file under the data folder, if the folder and the file exist. */
    public static Optional<Path> file(String relative) {
        return locate().map(d -> d.resolve(relative)).filter(Files::exists);
    }

    /** Like {@link #file} but failing with a message that says where it looked. */
    public static Path require(String relative) {
        return file(relative)
                .orElseThrow(() -> new IllegalStateException(
                        "evaluation data '" + relative + "' not found: expected ../shared/data beside the project root "
                                + "or a folder named by SQUEEZE_DATA"));
    }
}
