package dev.squeeze.bench;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** What a suite gets from the harness: where to write, the data, options, and where its results go. */
public interface BenchContext {
    /** The output folder (exists). Suites may write extra files here. */
    Path outDir();

    /** {@code ../shared/data}, if present. Suites that need it skip their rows with a note when absent. */
    Optional<Path> dataDir();

    /** Options from the command line ({@code --option key=value}); {@code quick=true} asks for a short run. */
    Map<String, String> options();

    default boolean quick() {
        return Boolean.parseBoolean(options().getOrDefault("quick", "false"));
    }

    /** Integer option {@code key} in [min, max], or {@code fallback} when absent; anything else is an error naming the option. */
    default int intOption(String key, int fallback, int min, int max) {
        String v = options().get(key);
        if (v == null) return fallback;
        int n;
        try {
            n = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + " must be an integer, got '" + v + "'");
        }
        if (n < min || n > max)
            throw new IllegalArgumentException("option " + key + "=" + n + " is outside [" + min + ", " + max + "]");
        return n;
    }

    void add(Row row);

    void plot(PlotSpec spec);

    /** A note shown at the top of the report (e.g. why a goal was missed, or what was skipped). */
    void note(String text);

    Progress progress(String task, long total);
}
