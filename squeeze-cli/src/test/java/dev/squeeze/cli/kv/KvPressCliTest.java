package dev.squeeze.cli.kv;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.cli.CliTestSupport;
import dev.squeeze.core.data.DataAssumptions;
import dev.squeeze.core.data.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** squeeze-kv presses reached from {@code squeeze perplexity --press} through ServiceLoader. */
class KvPressCliTest {

    static String[] run(String... args) {
        CliTestSupport.Run r = CliTestSupport.run(args);
        return new String[] {String.valueOf(r.code()), r.out(), r.err()};
    }

    static long field(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": (\\d+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Long.parseLong(m.group(1));
    }

    static long peak(String json) {
        return field(json, "peakKvBytes");
    }

    @Test
    void budgetPressesAndCompositionsShrinkThePeakCache(@TempDir Path dir) throws Exception {
        DataAssumptions.require("models/stories260K.bin");
        Path text = dir.resolve("t.txt");
        Files.writeString(
                text,
                "Once upon a time, there was a little dog named Max. Max liked to run in the park with his friend. "
                        + "One day, Max saw a big red ball. He wanted to play with it. He ran to the ball and pushed it with his nose.");
        String model = SharedData.require("models/stories260K.bin").toString(),
                tok = SharedData.require("models/tok512.bin").toString();
        String[] full = run("perplexity", "--model", model, "--tokenizer", tok, "--text", text.toString(), "--json");
        String[] h2o = run(
                "perplexity",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--json",
                "--press",
                "h2o:budget=16");
        String[] comp = run(
                "perplexity",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--json",
                "--press",
                "streamingllm:budget=16+kivi:bits=4,group=4,residual=4");
        String[] razor = run(
                "perplexity",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--json",
                "--press",
                "razorattention:budget=16");
        for (String[] r : new String[][] {full, h2o, comp, razor}) assertEquals("0", r[0], r[2]);
        assertTrue(peak(h2o[1]) < peak(full[1]));
        assertTrue(peak(comp[1]) < peak(h2o[1]), comp[1]);
        assertTrue(peak(razor[1]) < peak(full[1]));
        String[] bad = run(
                "perplexity",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--press",
                "kivi:bits=3");
        assertNotEquals("0", bad[0]);
        assertTrue(bad[2].contains("bits=3"), bad[2]);
    }

    @Test
    void kvZipCompressesThePrefixThenScoresTheRest(@TempDir Path dir) throws Exception {
        DataAssumptions.require("models/stories260K.bin");
        Path text = dir.resolve("t.txt");
        Files.writeString(
                text,
                "Once upon a time, there was a little dog named Max. Max liked to run in the park with his friend. "
                        + "One day, Max saw a big red ball. He wanted to play with it. He ran to the ball and pushed it with his nose. "
                        + "The ball rolled away and Max ran after it. His friend Lily laughed and ran too. They played all day until the sun went down.");
        String model = SharedData.require("models/stories260K.bin").toString(),
                tok = SharedData.require("models/tok512.bin").toString();
        String[] full = run(
                "perplexity",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--json",
                "--prefix",
                "48");
        String[] kvzip = run(
                "perplexity",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--json",
                "--prefix",
                "48",
                "--press",
                "kvzip:keep=0.25+kivi:bits=4,residualDtype=fp16,preRope=true");
        assertEquals("0", full[0], full[2]);
        assertEquals("0", kvzip[0], kvzip[2]);
        assertEquals(field(full[1], "tokens"), field(kvzip[1], "tokens"), "the same continuation tokens are scored");
        assertTrue(peak(kvzip[1]) > 0);
        String[] order = run(
                "perplexity",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--prefix",
                "48",
                "--press",
                "kivi:bits=4+kvzip:keep=0.25");
        assertEquals("0", order[0], order[2]); // both act after the prompt: allowed, KIVI quantises first
        String[] wrong = run(
                "perplexity",
                "--model",
                model,
                "--tokenizer",
                tok,
                "--text",
                text.toString(),
                "--press",
                "kvzip:keep=0.25+h2o:keep=0.5");
        assertNotEquals("0", wrong[0]);
        assertTrue(wrong[2].contains("put 'h2o"), wrong[2]);
    }
}
