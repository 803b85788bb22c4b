package dev.squeeze.llm.format;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.llm.Stories;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.model.RopeStyle;
import dev.squeeze.llm.quant.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutates the headers of the three formats (byte flips, random bytes, truncations; fixed seed, bounded
 * iterations): every load either succeeds or fails with an IOException / IllegalArgumentException whose
 * message names the file; nothing hangs, runs out of memory or leaks another exception type.
 */
class LoaderFuzzTest {
    static final int ITERATIONS = 150;

    interface Loader {
        LlamaModel load(Path p) throws IOException;
    }

    static int fuzz(byte[] original, int headerBytes, Path target, String fileName, Loader loader, long seed)
            throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        int rejected = 0;
        for (int it = 0; it < ITERATIONS; it++) {
            byte[] b = original.clone();
            int kind = r.nextInt(4);
            if (kind == 3) {
                b = java.util.Arrays.copyOf(b, r.nextInt(Math.min(b.length, headerBytes + 64)));
            } else {
                int flips = 1 + r.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    int at = r.nextInt(Math.min(headerBytes, b.length));
                    if (kind == 0) b[at] ^= (byte) (1 << r.nextInt(8));
                    else if (kind == 1) b[at] = (byte) r.nextInt(256);
                    else b[at] = (byte) (r.nextBoolean() ? 0xFF : 0x7F);
                }
            }
            Files.write(target, b);
            try (LlamaModel m = loader.load(target)) {
                assertNotNull(m.config());
            } catch (IOException | IllegalArgumentException e) {
                rejected++;
                String msg = String.valueOf(e.getMessage());
                assertTrue(
                        msg.contains(fileName) || e instanceof IllegalArgumentException && !msg.equals("null"),
                        "iteration " + it + " (kind " + kind + "): message does not name the file: " + msg);
            } catch (RuntimeException | Error e) {
                fail("iteration " + it + " (kind " + kind + ") ended in " + e, e);
            }
        }
        return rejected;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void llama2cCheckpointAndTokenizer(@TempDir Path dir) throws IOException {
        Stories.assumeData();
        byte[] model = Files.readAllBytes(Stories.model());
        byte[] tok = Files.readAllBytes(Stories.tokenizer());
        Path m = dir.resolve("fuzzed.bin"), t = dir.resolve("fuzzed-tok.bin");
        Files.write(t, tok);
        int a = fuzz(model, 28, m, "fuzzed.bin", p -> Llama2cLoader.load(p, t, 1), 1);
        Files.write(m, model);
        int b = fuzz(tok, 400, t, "fuzzed-tok.bin", p -> Llama2cLoader.load(m, p, 1), 2);
        assertTrue(a > ITERATIONS / 2 && b > ITERATIONS / 4, "most mutations must be rejected: " + a + ", " + b);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void gguf(@TempDir Path dir) throws IOException {
        LlamaConfig c = new LlamaConfig(64, 96, 2, 4, 2, 40, 32, 16, 1e-5f, 10000f, RopeStyle.INTERLEAVED, null);
        Path ok = dir.resolve("ok.gguf");
        GgufWriter.randomLlama(c, GgmlType.Q8_0, 3)
                .putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", pieces(40))
                .putFloats("tokenizer.ggml.scores", new float[40])
                .write(ok);
        byte[] bytes = Files.readAllBytes(ok);
        int header;
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            header = (int) GgufFile.parse(MappedFile.map(ok, arena)).dataStart();
        }
        int rejected = fuzz(bytes, header, dir.resolve("fuzzed.gguf"), "fuzzed.gguf", p -> GgufLoader.load(p, 1), 3);
        assertTrue(rejected > ITERATIONS / 3, "rejected " + rejected);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void safetensors(@TempDir Path dir) throws IOException {
        Stories.assumeData();
        try (LlamaModel ref = Stories.load()) {
            SafetensorsTest.exportHf(ref, dir, false);
        }
        Path st = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(st);
        long n = java.nio.ByteBuffer.wrap(bytes, 0, 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getLong();
        int rejected = fuzz(bytes, (int) (8 + n), st, "model.safetensors", p -> SafetensorsLoader.load(dir, 1), 4);
        assertTrue(rejected > ITERATIONS / 3, "rejected " + rejected);
    }

    @Test
    void emptyAndMissingFilesAreNamed(@TempDir Path dir) throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.gguf"));
        IOException e = assertThrows(IOException.class, () -> ModelLoader.load(empty, dir.resolve("tok.bin")));
        assertTrue(e.getMessage().contains("empty.gguf"), e.getMessage());
        assertThrows(java.io.FileNotFoundException.class, () -> ModelLoader.load(dir.resolve("absent.bin"), null));
        Path st = Files.createFile(dir.resolve("x.safetensors"));
        e = assertThrows(IOException.class, () -> ModelLoader.load(st, null));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }

    static String[] pieces(int n) {
        String[] p = new String[n];
        for (int i = 0; i < n; i++) p[i] = "t" + i;
        return p;
    }
}
