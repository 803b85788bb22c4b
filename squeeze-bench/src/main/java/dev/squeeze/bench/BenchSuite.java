package dev.squeeze.bench;

/**
 * A benchmark suite ("speed", "vision", "kv", "text"). Suites only add rows and plot specifications to
 * the {@link BenchContext}; the harness writes results.json and report.html for all of them. Register
 * implementations in {@code META-INF/services/dev.squeeze.bench.BenchSuite}.
 */
public interface BenchSuite {
    /** The name used on the command line: {@code squeeze bench NAME --out DIR}. */
    String name();

    /** One line for {@code squeeze bench --list}. */
    String description();

    void run(BenchContext context) throws Exception;
}
