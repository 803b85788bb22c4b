package dev.squeeze.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoreCommandsTest {

    @Test
    void methodsJsonListsTheCatalog() throws Exception {
        CliTestSupport.Run r = CliTestSupport.run("methods", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode arr = new ObjectMapper().readTree(r.out());
        assertTrue(arr.isArray() && arr.size() >= 2);
        boolean tome = false;
        for (JsonNode m : arr) {
            assertTrue(m.get("paper").get("url").asText().startsWith("https://"), m.toString());
            tome |= m.get("name").asText().equals("tome");
        }
        assertTrue(tome);
    }

    @Test
    void versionIsThePomVersion() {
        CliTestSupport.Run r = CliTestSupport.run("--version");
        assertEquals(0, r.code(), r.err());
        // the build passes the POM's version to the test JVM (surefire systemPropertyVariables)
        assertEquals(
                "squeeze " + System.getProperty("squeeze.project.version"),
                r.out().strip());
        assertTrue(r.out().strip().matches("squeeze \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), r.out());
    }

    @Test
    void methodsFamilyFilterAndBadFamily() {
        CliTestSupport.Run r = CliTestSupport.run("methods", "--family", "vit");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("tome") && !r.out().contains("divprune"), r.out());
        CliTestSupport.Run bad = CliTestSupport.run("methods", "--family", "smell");
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("unknown family 'smell'"), bad.err());
    }

    @Test
    void demoKeepsEveryConcept() {
        CliTestSupport.Run r = CliTestSupport.run("demo", "--tokens", "128", "--concepts", "8", "--dim", "32");
        assertEquals(0, r.code(), r.err());
        // well-separated concepts: each reducer keeps all 8
        assertEquals(3, r.out().split("8/8 concepts kept", -1).length - 1, r.out());
        CliTestSupport.Run bad = CliTestSupport.run("demo", "--tokens", "4", "--concepts", "9");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--concepts must be in [1, 4], got 9"), bad.err());
    }

    @Test
    void benchSpeedQuickWritesResultsAndReport(@TempDir Path dir) throws Exception {
        CliTestSupport.Run r = CliTestSupport.run("bench", "speed", "--quick", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode rows = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
        assertTrue(rows.size() >= 4);
        for (JsonNode row : rows) {
            assertEquals("speed", row.get("suite").asText());
            assertTrue(row.has("machine") && row.has("commit") && row.has("task"));
        }
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("<svg") && html.contains("<table>"));
        assertFalse(html.contains("<script"), "report must be self-contained");
    }

    @Test
    void benchUnknownSuiteIsAClearError(@TempDir Path dir) {
        CliTestSupport.Run r = CliTestSupport.run("bench", "nope", "--out", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown bench suite 'nope'") && r.err().contains("speed"), r.err());
    }
}
