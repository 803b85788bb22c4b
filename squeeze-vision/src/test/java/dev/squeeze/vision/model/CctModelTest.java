package dev.squeeze.vision.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.data.SharedData;
import dev.squeeze.vision.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CctModelTest {

    @Test
    void reproducesTheDocumentedAccuracyOnTheCifarOverlapPhotos() throws IOException {
        CctModel m = TestData.model();
        Path labels = SharedData.require("images/cifar10-overlap-labels.txt");
        List<String> lines =
                Files.readAllLines(labels).stream().filter(s -> !s.isBlank()).toList();
        assertEquals(42, lines.size());
        int correct = 0;
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            float[] img = ImagePreprocessor.load(SharedData.require("images/imagenet-sample/" + f[0]));
            if (CctModel.CLASS_NAMES.get(m.forward(img).top1()).equals(f[1])) correct++;
        }
        // README: centre crop + bilinear resize + normalise reproduced 30/42 with a plain forward pass
        assertEquals(30, correct, "correct on the 42 CIFAR-overlap photos");
    }

    @Test
    void checkpointLayoutIsReadExactly() throws IOException {
        TestData.model();
        var t = TorchCheckpoint.read(SharedData.require("models/cct-cifar10.pt"));
        assertEquals(56, t.size());
        assertArrayEquals(
                new int[] {1, 256, 128}, t.get("positional_embeddings").shape());
        assertArrayEquals(
                new int[] {384, 128}, t.get("blocks.3.attention.in_proj.weight").shape());
        assertArrayEquals(new int[] {10}, t.get("fc.bias").shape());
    }

    @Test
    void poolWeightsOfTheFinalTokensSumToOne() throws IOException {
        CctModel m = TestData.model();
        float[] img = ImagePreprocessor.load(TestData.images(1).get(0));
        var out = m.forward(img);
        float[] w = m.poolWeights(out.finalTokens());
        double s = 0;
        for (float v : w) s += v;
        assertEquals(1.0, s, 1e-4);
        assertEquals(256, w.length);
    }

    @Test
    void erfMatchesKnownValues() {
        assertEquals(0.8427007929, CctModel.erf(1.0), 2e-7);
        assertEquals(-0.5204998778, CctModel.erf(-0.5), 2e-7);
        assertEquals(0.0, CctModel.gelu(0f), 0);
        assertEquals(1.9544997361, CctModel.gelu(2f), 1e-6);
    }

    @Test
    void truncatedCheckpointIsRejectedNamingTheFile(@TempDir Path dir) throws IOException {
        TestData.model();
        byte[] all = Files.readAllBytes(SharedData.require("models/cct-cifar10.pt"));
        Path cut = dir.resolve("cut.pt");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
        Exception e = assertThrows(Exception.class, () -> CctModel.load(cut));
        assertTrue(e instanceof IOException || e instanceof IllegalArgumentException, e.toString());
        assertTrue(e.getMessage().contains("cut.pt"), e.getMessage());
    }

    @Test
    void foreignZipIsRejected(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("foreign.pt");
        Files.write(p, zip("hello/readme.txt", "hi".getBytes()));
        var e = assertThrows(IllegalArgumentException.class, () -> CctModel.load(p));
        assertTrue(e.getMessage().contains("foreign.pt") && e.getMessage().contains("data.pkl"), e.getMessage());
        Path notZip = dir.resolve("plain.pt");
        Files.writeString(notZip, "this is not a zip");
        var e2 = assertThrows(IOException.class, () -> CctModel.load(notZip));
        assertTrue(e2.getMessage().contains("plain.pt"), e2.getMessage());
    }

    @Test
    void maliciousGlobalIsRefused(@TempDir Path dir) throws IOException {
        // protocol 2: GLOBAL os.system, then STOP
        byte[] pkl = {(byte) 0x80, 2, 'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm', '\n', '.'};
        Path p = dir.resolve("evil.pt");
        Files.write(p, zip("archive/data.pkl", pkl));
        var e = assertThrows(IllegalArgumentException.class, () -> TorchCheckpoint.read(p));
        assertTrue(e.getMessage().contains("os.system") && e.getMessage().contains("evil.pt"), e.getMessage());
    }

    @Test
    void wrongTensorShapeIsNamed() {
        var t = new java.util.LinkedHashMap<String, TorchTensor>();
        t.put(
                "tokenizer.tokenizer_layers.0.weight",
                new TorchTensor("tokenizer.tokenizer_layers.0.weight", new int[] {64, 3, 3, 3}, new float[64 * 27]));
        var e = assertThrows(IllegalArgumentException.class, () -> new CctModel("x.pt", t));
        assertTrue(
                e.getMessage().contains("tokenizer.tokenizer_layers.0.weight")
                        && e.getMessage().contains("[128, 3, 3, 3]"),
                e.getMessage());
    }

    @Test
    void nonImageFileIsRejectedNamingTheFile(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("notes.JPEG");
        Files.writeString(p, "not an image at all");
        var e = assertThrows(IOException.class, () -> ImagePreprocessor.load(p));
        assertTrue(e.getMessage().contains("notes.JPEG"), e.getMessage());
    }

    @Test
    void fuzzedPicklesFailCleanly() throws IOException {
        TestData.model();
        byte[] good;
        try (var z = new java.util.zip.ZipFile(
                SharedData.require("models/cct-cifar10.pt").toFile())) {
            good = z.getInputStream(z.getEntry("archive/data.pkl")).readAllBytes();
        }
        java.util.Random r = new java.util.Random(7);
        for (int trial = 0; trial < 300; trial++) {
            byte[] b = good.clone();
            int flips = 1 + r.nextInt(4);
            for (int f = 0; f < flips; f++) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            if (trial % 3 == 0) b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            try {
                TorchPickle.readStateDict("fuzz", b);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().startsWith("fuzz"), expected.getMessage());
            }
        }
    }

    private static byte[] zip(String name, byte[] content) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(content);
            z.closeEntry();
        }
        return bos.toByteArray();
    }
}
