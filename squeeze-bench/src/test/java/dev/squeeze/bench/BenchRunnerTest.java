package dev.squeeze.bench;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchRunnerTest {

    /** A suite with known rows, to check what the harness writes. */
    static final class FixedSuite implements BenchSuite {
        @Override
        public String name() {
            return "fixed";
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public void run(BenchContext ctx) {
            try (Progress p = ctx.progress("t", 2)) {
                ctx.add(Row.of("fidelity").put("method", "a&b").put("keep", 0.5).put("agreement", 0.9));
                p.step();
                ctx.add(Row.of("fidelity")
                        .put("method", "a&b")
                        .put("keep", 0.25)
                        .put("agreement", 0.8));
                p.step();
            }
            ctx.plot(new PlotSpec("fidelity", "agreement vs keep", "keep", "agreement", "method"));
            ctx.note("a <note>");
        }
    }

    @Test
    void writesFlatRowsStampedWithMachineAndCommitAndAnEscapedReport(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        BenchRunner runner = new BenchRunner(List.of(new FixedSuite()), new PrintStream(err, true), false);
        BenchRunner.Result r = runner.run("fixed", dir.resolve("out"), Map.of());
        assertEquals(2, r.rows());
        JsonNode rows = new ObjectMapper().readTree(r.resultsJson().toFile());
        assertEquals(2, rows.size());
        assertEquals(0.25, rows.get(1).get("keep").asDouble(), 0);
        assertEquals("fixed", rows.get(0).get("suite").asText());
        assertFalse(rows.get(0).get("machine").asText().isBlank());
        String html = Files.readString(r.reportHtml());
        assertTrue(html.contains("a&amp;b") && html.contains("a &lt;note&gt;"), "HTML-escaped");
        assertTrue(html.contains("<polyline"), "one line per series");
        assertTrue(err.toString().contains("[t] 2/2"), "plain progress lines when not a terminal: " + err);
    }

    @Test
    void rowsRejectNonScalarValues() {
        assertThrows(IllegalArgumentException.class, () -> Row.of("t").put("x", List.of(1)));
        assertThrows(IllegalArgumentException.class, () -> Row.of("t").put(" ", 1));
    }

    @Test
    void duplicateSuiteNamesFail() {
        assertThrows(
                IllegalStateException.class,
                () -> new BenchRunner(List.of(new FixedSuite(), new FixedSuite()), System.err, false));
    }
}
