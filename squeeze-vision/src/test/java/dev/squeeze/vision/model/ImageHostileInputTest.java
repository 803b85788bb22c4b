package dev.squeeze.vision.model;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A decompression bomb (issue #16, the memory class beyond model files): a tiny PNG whose header claims 40,000 x 40,000 pixels (1.6 gigapixels: under the JDK reader's own 2^31 guard, 4.8 GB of raster). */
class ImageHostileInputTest {

    static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** An 8-bit RGB PNG whose IHDR says width x height, followed by one scanline of compressed zeros. */
    static byte[] png(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(
                out,
                "IHDR",
                ByteBuffer.allocate(13)
                        .putInt(width)
                        .putInt(height)
                        .put((byte) 8)
                        .put((byte) 2)
                        .put((byte) 0)
                        .put((byte) 0)
                        .put((byte) 0)
                        .array());
        Deflater d = new Deflater();
        d.setInput(new byte[1 + 3 * Math.min(width, 1024)]);
        d.finish();
        byte[] z = new byte[64 + 3 * 1024];
        int n = d.deflate(z);
        chunk(out, "IDAT", java.util.Arrays.copyOf(z, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    @Test
    void aPngClaiming40000SquaredPixelsIsRefusedFromItsHeader(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bomb.png");
        Files.write(f, png(40_000, 40_000));
        assertTrue(Files.size(f) < 200, "a few bytes of file");
        IOException e = assertThrows(IOException.class, () -> ImagePreprocessor.load(f));
        assertTrue(e.getMessage().contains("bomb.png") && e.getMessage().contains("40000 x 40000"), e.getMessage());
    }

    @Test
    void anOrdinaryImageStillLoads(@TempDir Path dir) throws IOException {
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        img.setRGB(20, 15, 0xFF0000);
        Path f = dir.resolve("small.png");
        ImageIO.write(img, "png", f.toFile());
        assertEquals(3 * 32 * 32, ImagePreprocessor.load(f).length);
        Path junk = dir.resolve("junk.png");
        Files.writeString(junk, "not an image");
        IOException e = assertThrows(IOException.class, () -> ImagePreprocessor.load(junk));
        assertTrue(e.getMessage().contains("junk.png"), e.getMessage());
    }
}
