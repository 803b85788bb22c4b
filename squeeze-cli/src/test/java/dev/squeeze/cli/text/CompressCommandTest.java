package dev.squeeze.cli.text;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.squeeze.cli.CliTestSupport;
import dev.squeeze.cli.CliTestSupport.Run;
import dev.squeeze.core.data.DataAssumptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressCommandTest {

    private static Run run(String... args) {
        return CliTestSupport.run(args);
    }

    private static Path example() {
        Path p = Path.of("../examples/rag-context.txt");
        assertTrue(Files.exists(p), "example file shipped with the repository");
        return p;
    }

    @Test
    void jsonOutputHasEveryField() throws Exception {
        Run r = run(
                "compress",
                "--json",
                "--rate",
                "0.25",
                "--question",
                "How long are database backups kept on the Pro plan?",
                example().toString());
        assertEquals(0, r.code(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        for (String f : new String[] {"compressed", "originTokens", "compressedTokens", "rate", "method", "millis"}) {
            assertTrue(o.has(f), f);
        }
        assertEquals("semantic", o.get("method").asText());
        assertEquals(0.25, o.get("rate").asDouble(), 0.02);
        assertTrue(o.get("compressed").asText().contains("within the last 35 days"));
    }

    @Test
    void targetTokensAndO200kCounting() throws Exception {
        Run r = run(
                "compress",
                "--json",
                "--target-tokens",
                "200",
                "--encoding",
                "o200k_base",
                "--keep",
                "numbers,urls",
                example().toString());
        assertEquals(0, r.code(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertTrue(
                o.get("compressedTokens").asInt() <= 200
                        && o.get("compressedTokens").asInt() >= 190,
                r.out());
        assertTrue(o.get("compressed").asText().contains("https://status.harbor.example/history"), "URL kept");
        Run bad = run("compress", "--encoding", "p50k", example().toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("unknown encoding"), bad.err());
    }

    @Test
    void badInputGivesExitCodeTwoAndAClearMessage(@TempDir Path dir) throws Exception {
        Path bin = dir.resolve("bin.dat");
        Files.write(bin, new byte[] {'o', 'k', (byte) 0xFF, 0});
        Run r = run("compress", bin.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("invalid UTF-8 at byte offset 2"), r.err());
        Run r2 = run("compress", "--rate", "1.5", example().toString());
        assertEquals(2, r2.code());
        assertTrue(r2.err().contains("rate must be in (0, 1]"), r2.err());
        Run r3 = run("compress", "--method", "nope", example().toString());
        assertEquals(2, r3.code());
        assertTrue(r3.err().contains("unknown method 'nope'"), r3.err());
        Run r4 = run("compress", dir.resolve("missing.txt").toString());
        assertEquals(2, r4.code());
        assertTrue(r4.err().contains("no such file"), r4.err());
    }

    /**
     * Every text method that needs no model of the user's runs from the CLI with what the CLI jar bundles (this test's
     * class path is the jar's dependencies: the MiniLM artifact without langchain4j's classes or ONNX Runtime); the
     * others say which option they need.
     */
    @Test
    void everyMethodWithoutAUserModelRuns(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("context.txt");
        Files.writeString(
                text,
                "Our ferry crossings were cancelled for eleven days after the storm. The bakery sells bread. "
                        + "Rents doubled near the tram line. The museum bought a painting. The choir sang in a salt mine. "
                        + "The cathedral organ has many pipes. A shepherd guided the soldiers down through the fog.");
        Path json = dir.resolve("context.json");
        Files.writeString(json, "{\"note\": \"" + Files.readString(text) + "\", \"id\": 7}");
        java.util.List<String> names =
                dev.squeeze.text.CompressorRegistry.load().names();
        java.util.Set<String> needModel =
                java.util.Set.of("llmlingua-2", "llmlingua", "longllmlingua", "selective-context");
        for (String m : names) {
            if (needModel.contains(m)) continue;
            // The question shares the answer's words, so every method (lexical too) must keep them.
            Run r = run(
                    "compress",
                    "--json",
                    "--method",
                    m,
                    "--rate",
                    "0.5",
                    "--question",
                    "For how many days were the ferry crossings cancelled?",
                    (m.equals("json") ? json : text).toString());
            assertEquals(0, r.code(), m + ": " + r.err());
            JsonNode o = new ObjectMapper().readTree(r.out());
            assertEquals(m, o.get("method").asText());
            assertTrue(o.get("compressedTokens").asInt() < o.get("originTokens").asInt(), m + ": " + r.out());
            // tcra prunes words without the question, so only the answer sentence's words shared with the question are
            // asked for.
            assertTrue(o.get("compressed").asText().contains("ferry crossings"), m + ": " + r.out());
        }
        assertTrue(
                names.containsAll(java.util.List.of("semantic", "lexical", "extractive", "tcra", "json")),
                names.toString());
        // A paraphrased question (no content word in common with the answer): the default keeps the answer.
        Run paraphrase = run(
                "compress",
                "--json",
                "--rate",
                "0.5",
                "--question",
                "How long could nobody take the boat?",
                text.toString());
        assertEquals(0, paraphrase.code(), paraphrase.err());
        JsonNode p = new ObjectMapper().readTree(paraphrase.out());
        assertEquals("semantic", p.get("method").asText());
        assertTrue(p.get("compressed").asText().contains("eleven days"), paraphrase.out());
        Run cascade = run(
                "compress",
                "--json",
                "--rate",
                "0.5",
                "--option",
                "rerank=minilm",
                "--option",
                "threads=2",
                "--question",
                "How long could nobody take the boat?",
                text.toString());
        assertEquals(0, cascade.code(), cascade.err());
        assertTrue(
                new ObjectMapper()
                        .readTree(cascade.out())
                        .get("compressed")
                        .asText()
                        .contains("eleven days"),
                cascade.out());
        Run lingua = run("compress", "--method", "llmlingua-2", text.toString());
        assertEquals(2, lingua.code());
        assertTrue(lingua.err().contains("model="), lingua.err());
    }

    @Test
    void causalLmMethodsNeedTheModelOptionAndRunOnStories260K() throws Exception {
        for (String m : new String[] {"llmlingua", "longllmlingua", "selective-context"}) {
            Run r = run("compress", "--method", m, example().toString());
            assertEquals(2, r.code(), m);
            assertTrue(r.err().contains("--option model="), r.err());
        }
        var model = java.util.Optional.of(DataAssumptions.require("models/stories260K.bin"));
        Path tok = dev.squeeze.core.data.SharedData.require("models/tok512.bin");
        Run r = run(
                "compress",
                "--method",
                "llmlingua",
                "--rate",
                "0.5",
                "--json",
                "--option",
                "model=" + model.get(),
                "--option",
                "tokenizer=" + tok,
                example().toString());
        assertEquals(0, r.code(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertEquals("llmlingua", o.get("method").asText());
        assertTrue(o.get("compressedTokens").asInt() < o.get("originTokens").asInt(), r.out());
    }
}
