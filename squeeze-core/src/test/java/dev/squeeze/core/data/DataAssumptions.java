package dev.squeeze.core.data;

import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests' access to {@code ../shared/data} ({@link SharedData}). Absent data skips the test with a message, except
 * when the environment variable {@code SQUEEZE_REQUIRE_DATA=1} is set: then it fails, so a run that has the data
 * (CI sets the variable when {@code ../shared/data} exists) cannot skip a data test without saying so loudly.
 * Shared with the other modules through squeeze-core's test-jar.
 */
public final class DataAssumptions {
    /** The environment variable that turns "data absent" skips into failures. */
    public static final String REQUIRE_ENV = "SQUEEZE_REQUIRE_DATA";

    private DataAssumptions() {}

    /** The file or folder {@code relative} under the data folder; absent: skips (or fails when required). */
    public static Path require(String relative) {
        return SharedData.file(relative).orElseGet(() -> {
            absent("../shared/data/" + relative, required());
            throw new AssertionError("unreachable");
        });
    }

    /** The data folder itself; absent: skips (or fails when required). */
    public static Path folder() {
        return SharedData.locate().orElseGet(() -> {
            absent("../shared/data", required());
            throw new AssertionError("unreachable");
        });
    }

    /**
     * For fixtures that load once (e.g. in {@code @BeforeAll}) and let each test assume later: whether the file is
     * there; when it is not and data is required, fails right away.
     */
    public static boolean present(String relative) {
        if (SharedData.file(relative).isPresent()) return true;
        if (required()) absent("../shared/data/" + relative, true);
        return false;
    }

    /** Whether {@code SQUEEZE_REQUIRE_DATA=1}. */
    public static boolean required() {
        return "1".equals(System.getenv(REQUIRE_ENV));
    }

    /** Skips the calling test, or fails it when {@code required}. */
    static void absent(String what, boolean required) {
        if (required) {
            Assertions.fail(what + " is absent, and " + REQUIRE_ENV + "=1 says this run must have the evaluation data "
                    + "(../shared/data beside the project root, or the folder named by SQUEEZE_DATA)");
        }
        Assumptions.abort(what + " is absent: skipped (set " + REQUIRE_ENV + "=1 to make this a failure)");
    }
}
