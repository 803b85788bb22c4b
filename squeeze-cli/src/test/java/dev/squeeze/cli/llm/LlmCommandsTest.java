package dev.squeeze.cli.llm;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.cli.CliTestSupport;
import dev.squeeze.cli.CliTestSupport.Run;
import dev.squeeze.core.data.DataAssumptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlmCommandsTest {

    static Run run(String... args) {
        return CliTestSupport.run(args);
    }

    static Path data(String rel) {
        return DataAssumptions.require(rel);
    }

    @Test
    void generateStreamsTheGreedyStory() {
        Path model = data("models/stories260K.bin");
        Path tok = data("models/tok512.bin");
        Run r = run("generate", "--model", model.toString(), "--tokenizer", tok.toString(), "--max-tokens", "40");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Once upon a time, there was a little girl named Lily."), r.out());
        assertTrue(r.err().contains("tok/s") && r.err().contains("peak KV"), r.err());
        Run bad = run("generate", "--model", model.toString(), "--tokenizer", tok.toString(), "--press", "nosuch");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("unknown press 'nosuch'"), bad.err());
    }

    @Test
    void generateWithAPromptAndSamplingIsSeeded() {
        Path model = data("models/stories260K.bin");
        Path tok = data("models/tok512.bin");
        String[] args = {
            "generate",
            "--model",
            model.toString(),
            "--tokenizer",
            tok.toString(),
            "--prompt",
            "Tom had a red",
            "--max-tokens",
            "30",
            "--temperature",
            "0.9",
            "--seed",
            "7"
        };
        Run a = run(args), b = run(args);
        assertEquals(0, a.code(), a.err());
        assertEquals(a.out(), b.out());
        assertTrue(a.out().startsWith("Tom had a red") && a.out().length() > "Tom had a red".length() + 10, a.out());
    }

    @Test
    void perplexityPrintsJsonFields(@TempDir Path dir) throws Exception {
        Path model = data("models/stories260K.bin");
        Path tok = data("models/tok512.bin");
        String all = Files.readString(data("text/tinystories-sample.txt"));
        // the first 20 paragraphs keep the test short
        String[] paras = all.split("\\n\\s*\\n");
        Path text = dir.resolve("sample.txt");
        Files.writeString(text, String.join("\n\n", java.util.Arrays.copyOf(paras, 20)));
        Run r = run(
                "perplexity",
                "--model",
                model.toString(),
                "--tokenizer",
                tok.toString(),
                "--text",
                text.toString(),
                "--context",
                "256",
                "--json");
        assertEquals(0, r.code(), r.err());
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        double nats = node.get("natsPerToken").asDouble();
        assertEquals(1.4743, nats, 0.002, "measured on the first 20 paragraphs, 256-token windows");
        assertEquals(Math.exp(nats), node.get("perplexity").asDouble(), 1e-4);
        assertTrue(node.get("tokens").asLong() > 1000);
        assertTrue(node.get("peakKvBytes").asLong() > 0);

        Run plain = run(
                "perplexity",
                "--model",
                model.toString(),
                "--tokenizer",
                tok.toString(),
                "--text",
                text.toString(),
                "--context",
                "256",
                "--press",
                "none");
        assertEquals(0, plain.code(), plain.err());
        assertTrue(plain.out().contains(String.format(java.util.Locale.ROOT, "%.4f", nats)), plain.out());

        Run cont = run(
                "perplexity",
                "--model",
                model.toString(),
                "--tokenizer",
                tok.toString(),
                "--text",
                text.toString(),
                "--context",
                "256",
                "--prefix",
                "16",
                "--json");
        assertEquals(0, cont.code(), cont.err());
        var c = new com.fasterxml.jackson.databind.ObjectMapper().readTree(cont.out());
        assertTrue(c.get("tokens").asLong() < node.get("tokens").asLong());
    }

    @Test
    void streamProtocolReproducesTheReadmeFigure() throws Exception {
        Path model = data("models/stories260K.bin");
        Path tok = data("models/tok512.bin");
        Path text = data("text/tinystories-sample.txt");
        Run r = run(
                "perplexity",
                "--model",
                model.toString(),
                "--tokenizer",
                tok.toString(),
                "--text",
                text.toString(),
                "--stream",
                "--limit",
                "10240",
                "--context",
                "256",
                "--prefill",
                "--json");
        assertEquals(0, r.code(), r.err());
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertEquals(1.5646, node.get("natsPerToken").asDouble(), 0.002);
        assertEquals(10_239, node.get("tokens").asLong());
    }

    @Test
    void badInputIsOneClearLine(@TempDir Path dir) throws Exception {
        Path model = data("models/stories260K.bin");
        Path tok = data("models/tok512.bin");
        Path text = dir.resolve("t.txt");
        Files.writeString(text, "Lily had a ball.");
        Run unknown = run(
                "perplexity",
                "--model",
                model.toString(),
                "--tokenizer",
                tok.toString(),
                "--text",
                text.toString(),
                "--press",
                "bogus:budget=3");
        assertEquals(2, unknown.code());
        assertTrue(
                unknown.err().contains("unknown press 'bogus'") && unknown.err().contains("none"), unknown.err());
        Run ctx = run(
                "perplexity",
                "--model",
                model.toString(),
                "--tokenizer",
                tok.toString(),
                "--text",
                text.toString(),
                "--context",
                "9999");
        assertEquals(2, ctx.code());
        assertTrue(ctx.err().contains("--context must be in [2, 512]"), ctx.err());
        Path truncated = dir.resolve("cut.bin");
        Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(model), 5000));
        Run cut = run("generate", "--model", truncated.toString(), "--tokenizer", tok.toString());
        assertEquals(2, cut.code());
        assertTrue(cut.err().contains("cut.bin") && cut.err().contains("truncated"), cut.err());
        Run full = run(
                "generate",
                "--model",
                model.toString(),
                "--tokenizer",
                tok.toString(),
                "--prompt",
                "Lily ".repeat(505),
                "--max-tokens",
                "400",
                "--threads",
                "1");
        assertEquals(0, full.code(), full.err());
        assertTrue(full.err().contains("stopped at the model's context limit of 512"), full.err());
        Run longPrompt = run(
                "generate",
                "--model",
                model.toString(),
                "--tokenizer",
                tok.toString(),
                "--prompt",
                "Lily ".repeat(600));
        assertEquals(2, longPrompt.code());
        assertTrue(longPrompt.err().contains("context"), longPrompt.err());
    }
}
