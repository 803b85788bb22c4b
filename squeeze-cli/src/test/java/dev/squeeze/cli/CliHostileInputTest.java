package dev.squeeze.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.squeeze.cachegen.CacheGenEncoder;
import dev.squeeze.cachegen.KvSnapshot;
import dev.squeeze.cachegen.ModelFingerprint;
import dev.squeeze.cli.CliTestSupport.Run;
import dev.squeeze.core.data.SharedData;
import dev.squeeze.llm.format.GgufWriter;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.RopeStyle;
import dev.squeeze.llm.quant.GgmlType;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile command lines and input files (issue #16, classes 5, 7, 8, 11, 14): every one ends in exit code 2 and
 * one line naming the option, file, value or byte offset; none runs out of memory, hangs or replaces a file
 * that is not a regular one.
 */
class CliHostileInputTest {

    static Run run(String... args) {
        return CliTestSupport.run(args);
    }

    static Path data(String rel) {
        Assumptions.assumeTrue(SharedData.file(rel).isPresent(), "../shared/data/" + rel + " is absent");
        return SharedData.require(rel);
    }

    /** A 5-token CacheGen stream of a made-up 1-layer model, written without loading any model. */
    static void writeStream(Path f) throws Exception {
        ModelFingerprint fp = new ModelFingerprint("llama", 1, 1, 4, 8, 100, 64, 0, new byte[32]);
        KvSnapshot s = new KvSnapshot(
                1,
                1,
                4,
                new int[] {1, 2, 3, 4, 5},
                new float[] {0, 1, 2, 3, 4},
                new float[][] {new float[20]},
                new float[][] {new float[20]});
        Files.write(f, CacheGenEncoder.builder().build().encode(s, fp).toByteArray());
    }

    @Test
    void kvInspectJsonStaysValidJsonForAFileNameWithControlCharacters(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("kv\u0001\t\"x\\.sqkv");
        writeStream(f);
        Run r = run("kv", "inspect", f.toString(), "--json", "--verify");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(f.toString(), j.path("file").asText());
        assertEquals(5, j.path("tokens").asInt());
        assertTrue(j.path("verified").asBoolean());
    }

    @Test
    void kvSaveRefusesAnOutputThatIsNotARegularFile(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("pipe");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        Assumptions.assumeTrue(p.waitFor() == 0, "mkfifo is unavailable");
        Path text = dir.resolve("t.txt");
        Files.writeString(text, "Once upon a time");
        Run r = run(
                "kv",
                "save",
                "--model",
                data("models/stories260K.bin").toString(),
                "--tokenizer",
                data("models/tok512.bin").toString(),
                "--text",
                text.toString(),
                "--out",
                fifo.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(fifo.toString()) && r.err().contains("not a regular file"), r.err());
        assertTrue(
                Files.exists(fifo, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS),
                "the FIFO must still be there");
    }

    @Test
    void kvSaveWithTheLargestChunkTokensWritesOneChunk(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("t.txt");
        Files.writeString(text, "Once upon a time, there was a little girl named Lily.");
        Path out = dir.resolve("big-chunks.sqkv");
        Run r = run(
                "kv",
                "save",
                "--model",
                data("models/stories260K.bin").toString(),
                "--tokenizer",
                data("models/tok512.bin").toString(),
                "--text",
                text.toString(),
                "--out",
                out.toString(),
                "--chunk-tokens",
                "2147483647");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(" 1 chunk(s)"), r.out());
        Run v = run("kv", "inspect", out.toString(), "--verify");
        assertEquals(0, v.code(), v.err());
    }

    @Test
    void compressCapsItsInputWithAnOptionToRaiseIt(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("big.txt");
        Files.writeString(f, "word ".repeat(2_000)); // 10,000 bytes
        Run r = run("compress", "--max-input-bytes", "4096", f.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(
                r.err().contains(f.toString())
                        && r.err().contains("4096 bytes")
                        && r.err().contains("--max-input-bytes"),
                r.err());
        Run ok = run("compress", "--max-input-bytes", "20000", "--rate", "0.5", f.toString());
        assertEquals(0, ok.code(), ok.err());
        Run zero = run("compress", "--max-input-bytes", "1000", "/dev/zero"); // endless: read up to the cap, then stop
        assertEquals(2, zero.code(), zero.err());
        assertTrue(zero.err().contains("/dev/zero") && zero.err().contains("1000 bytes"), zero.err());
        Run bad = run("compress", "--max-input-bytes", "0", f.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--max-input-bytes"), bad.err());
    }

    @Test
    void threadsAreCheckedAgainstTheCoresBeforeAnythingLoads(@TempDir Path dir) {
        int cores = Runtime.getRuntime().availableProcessors();
        for (String threads : new String[] {"100000", Integer.toString(cores + 1), "-1"}) {
            Run r = run(
                    "generate", "--model", dir.resolve("absent.bin").toString(), "--threads", threads, "--prompt", "x");
            assertEquals(2, r.code(), r.out() + r.err());
            assertTrue(
                    r.err().contains("--threads")
                            && r.err().contains(threads)
                            && r.err().contains(Integer.toString(cores)),
                    r.err());
        }
    }

    @Test
    void invalidUtf8InATextFileNamesTheByteOffset(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.txt");
        Files.write(f, new byte[] {'a', 'b', 'c', (byte) 0xFF, 'd'});
        Run r = run(
                "perplexity",
                "--model",
                data("models/stories260K.bin").toString(),
                "--tokenizer",
                data("models/tok512.bin").toString(),
                "--text",
                f.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(f.toString()) && r.err().contains("invalid UTF-8 at byte offset 3"), r.err());
        Run k = run(
                "kv",
                "save",
                "--model",
                data("models/stories260K.bin").toString(),
                "--tokenizer",
                data("models/tok512.bin").toString(),
                "--text",
                f.toString(),
                "--out",
                dir.resolve("o.sqkv").toString());
        assertEquals(2, k.code(), k.out() + k.err());
        assertTrue(k.err().contains("invalid UTF-8 at byte offset 3"), k.err());
    }

    @Test
    void aDanglingPlusInAPressSpecIsRefused(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("t.txt");
        Files.writeString(text, "Once upon a time, there was a little girl named Lily.");
        Run r = run(
                "perplexity",
                "--model",
                data("models/stories260K.bin").toString(),
                "--tokenizer",
                data("models/tok512.bin").toString(),
                "--text",
                text.toString(),
                "--press",
                "snapkv:keep=0.5+");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("snapkv:keep=0.5+") && r.err().contains("empty part"), r.err());
    }

    @Test
    void demoSizesAreBounded() {
        Run r = run("demo", "--tokens", "100000000", "--dim", "256");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("--tokens"), r.err());
        Run d = run("demo", "--tokens", "576", "--dim", "100000000");
        assertEquals(2, d.code(), d.out() + d.err());
        assertTrue(d.err().contains("--dim"), d.err());
    }

    @Test
    void modelFilesWhoseMetadataImpliesHugeBuffersEndInOneLine(@TempDir Path dir) throws Exception {
        Path tok = data("models/tok512.bin");
        // 200,000-wide heads: a 26 GB RoPE table; 1,024 heads x 2^24 positions: 68 GB of attention scores per session
        Path wide = dir.resolve("wide-heads.gguf");
        GgufWriter.randomLlama(
                        new LlamaConfig(2, 2, 1, 1, 1, 512, 32_768, 200_000, 1e-5f, 1e4f, RopeStyle.INTERLEAVED, null),
                        GgmlType.F16,
                        1)
                .putU32("llama.attention.key_length", 200_000)
                .write(wide);
        Path longCtx = dir.resolve("long-context.gguf");
        GgufWriter.randomLlama(
                        new LlamaConfig(
                                64,
                                64,
                                1,
                                1024,
                                1024,
                                512,
                                LlamaConfig.MAX_SIZE,
                                2,
                                1e-5f,
                                1e4f,
                                RopeStyle.INTERLEAVED,
                                null),
                        GgmlType.F16,
                        1)
                .putU32("llama.attention.key_length", 2)
                .write(longCtx);
        Path text = dir.resolve("t.txt");
        Files.writeString(text, "Once upon a time, there was a little girl named Lily.");
        for (Path model : new Path[] {wide, longCtx}) {
            Run g = run(
                    "generate",
                    "--model",
                    model.toString(),
                    "--tokenizer",
                    tok.toString(),
                    "--prompt",
                    "Once",
                    "--max-tokens",
                    "3");
            Run p = run(
                    "perplexity",
                    "--model",
                    model.toString(),
                    "--tokenizer",
                    tok.toString(),
                    "--text",
                    text.toString());
            for (Run r : new Run[] {g, p}) {
                assertEquals(2, r.code(), r.out() + r.err());
                assertEquals(1, r.err().strip().lines().count(), r.err());
                assertTrue(
                        r.err().contains(model.getFileName().toString())
                                && r.err().contains("bytes")
                                && (r.err().contains("head_dim 200000")
                                        || r.err().contains("n_heads 1024")),
                        r.err());
            }
        }
    }
}
