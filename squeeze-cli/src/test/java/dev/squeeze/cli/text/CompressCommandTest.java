package dev.squeeze.cli.text;

import dev.squeeze.core.data.DataAssumptions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.squeeze.cli.CliTestSupport;
import dev.squeeze.cli.CliTestSupport.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

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
        Run r = run("compress", "--json", "--rate", "0.25", "--question", "How long are database backups kept on the Pro plan?",
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
        Run r = run("compress", "--json", "--target-tokens", "200", "--encoding", "o200k_base", "--keep", "numbers,urls",
                example().toString());
        assertEquals(0, r.code(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertTrue(o.get("compressedTokens").asInt() <= 200 && o.get("compressedTokens").asInt() >= 190, r.out());
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

    @Test
    void causalLmMethodsNeedTheModelOptionAndRunOnStories260K() throws Exception {
        for (String m : new String[] {"llmlingua", "longllmlingua", "selective-context"}) {
            Run r = run("compress", "--method", m, example().toString());
            assertEquals(2, r.code(), m);
            assertTrue(r.err().contains("--option model="), r.err());
        }
        var model = java.util.Optional.of(DataAssumptions.require("models/stories260K.bin"));
        Path tok = dev.squeeze.core.data.SharedData.require("models/tok512.bin");
        Run r = run("compress", "--method", "llmlingua", "--rate", "0.5", "--json", "--option", "model=" + model.get(),
                "--option", "tokenizer=" + tok, example().toString());
        assertEquals(0, r.code(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertEquals("llmlingua", o.get("method").asText());
        assertTrue(o.get("compressedTokens").asInt() < o.get("originTokens").asInt(), r.out());
    }
}
