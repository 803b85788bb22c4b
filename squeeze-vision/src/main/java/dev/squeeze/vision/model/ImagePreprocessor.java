package dev.squeeze.vision.model;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * CIFAR-style preprocessing with the JDK only: decode (javax.imageio), centre square crop, bilinear resize to
 * {@code size x size}, scale to [0, 1], normalise with the CIFAR-10 mean (.4914, .4822, .4465) and std
 * (.2470, .2435, .2616). The resize is a separable triangle filter whose support widens with the downscale
 * factor (PIL's / torchvision's antialiased bilinear), computed in float without intermediate rounding.
 */
public final class ImagePreprocessor {
    static final float[] MEAN = {0.4914f, 0.4822f, 0.4465f};
    static final float[] STD = {0.2470f, 0.2435f, 0.2616f};

    private ImagePreprocessor() {}

    /** (3, 32, 32) CHW normalised image. */
    public static float[] load(Path file) throws IOException {
        return normalise(resizeSquare(read(file), CctModel.IMAGE), CctModel.IMAGE);
    }

    /** (3, size, size) CHW normalised image (AnyRes: a larger square to cut into crops). */
    public static float[] load(Path file, int size) throws IOException {
        if (size <= 0) throw new IllegalArgumentException("size must be > 0, got " + size);
        return normalise(resizeSquare(read(file), size), size);
    }

    /** Largest image decoded: 8192 x 8192 pixels (the decoder allocates 4 bytes per pixel, this class 16 more). */
    public static final long MAX_PIXELS = 1L << 26;

    /**
     * Decodes an image, failing with the file name when it is not one the JDK can read or when its header claims
     * more than {@link #MAX_PIXELS} pixels (read from the header, before the decoder allocates its raster: a few
     * hundred bytes of PNG can claim 40,000 x 40,000).
     */
    public static BufferedImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new java.io.FileNotFoundException(file + ": no such image file");
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new IOException(
                        file + ": not an image (expected JPEG or PNG; no javax.imageio reader recognised it)");
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in, true, true);
                long w = r.getWidth(0), h = r.getHeight(0);
                if (w * h > MAX_PIXELS) {
                    throw new IOException(file + ": the image header claims " + w + " x " + h
                            + " pixels, more than the " + MAX_PIXELS + " (8192 x 8192) decoded here");
                }
                img = r.read(0);
            } finally {
                r.dispose();
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) throw e;
            throw new IOException(file + ": not a decodable image (expected JPEG or PNG): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a decodable image (expected JPEG or PNG): " + e.getMessage(), e);
        }
        if (img == null)
            throw new IOException(
                    file + ": not an image (expected JPEG or PNG; no javax.imageio reader recognised it)");
        if (img.getWidth() < 1 || img.getHeight() < 1) throw new IOException(file + ": empty image");
        return img;
    }

    /** Centre square crop, then antialiased bilinear resize: (3, size, size) in [0, 1]. */
    public static float[] resizeSquare(BufferedImage img, int size) {
        int w = img.getWidth(), h = img.getHeight();
        int side = Math.min(w, h);
        int x0 = (int) Math.round((w - side) / 2.0), y0 = (int) Math.round((h - side) / 2.0);
        float[] src = new float[3 * side * side];
        int[] argb = img.getRGB(x0, y0, side, side, null, 0, side);
        int plane = side * side;
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            src[i] = ((p >> 16) & 0xff) / 255f;
            src[plane + i] = ((p >> 8) & 0xff) / 255f;
            src[2 * plane + i] = (p & 0xff) / 255f;
        }
        return resize(src, side, size);
    }

    /** Separable triangle-filter resize of a (3, n, n) image to (3, m, m). */
    static float[] resize(float[] src, int n, int m) {
        float[][] wts = new float[m][];
        int[] starts = new int[m];
        double scale = (double) n / m;
        double support = Math.max(1.0, scale); // bilinear support 1, widened when downscaling
        for (int o = 0; o < m; o++) {
            double centre = (o + 0.5) * scale;
            int lo = (int) Math.max(0, Math.floor(centre - support + 0.5));
            int hi = (int) Math.min(n, Math.floor(centre + support + 0.5));
            float[] w = new float[hi - lo];
            double sum = 0;
            for (int j = lo; j < hi; j++) {
                double t = Math.abs((j + 0.5 - centre) / support);
                double v = t < 1 ? 1 - t : 0;
                w[j - lo] = (float) v;
                sum += v;
            }
            for (int j = 0; j < w.length; j++) w[j] /= (float) sum;
            wts[o] = w;
            starts[o] = lo;
        }
        float[] tmp = new float[3 * n * m]; // horizontal pass: (3, n, m)
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < n; y++) {
                for (int o = 0; o < m; o++) {
                    float s = 0f;
                    float[] w = wts[o];
                    int base = c * n * n + y * n + starts[o];
                    for (int j = 0; j < w.length; j++) s += w[j] * src[base + j];
                    tmp[c * n * m + y * m + o] = s;
                }
            }
        }
        float[] out = new float[3 * m * m]; // vertical pass
        for (int c = 0; c < 3; c++) {
            for (int o = 0; o < m; o++) {
                float[] w = wts[o];
                for (int x = 0; x < m; x++) {
                    float s = 0f;
                    for (int j = 0; j < w.length; j++) s += w[j] * tmp[c * n * m + (starts[o] + j) * m + x];
                    out[c * m * m + o * m + x] = s;
                }
            }
        }
        return out;
    }

    static float[] normalise(float[] rgb01, int size) {
        int plane = size * size;
        float[] out = new float[rgb01.length];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) out[c * plane + i] = (rgb01[c * plane + i] - MEAN[c]) / STD[c];
        }
        return out;
    }

    /** The (3, 32, 32) crop of a (3, size, size) normalised image at (x0, y0), or its 32x32 thumbnail. */
    public static float[] crop(float[] img, int size, int x0, int y0) {
        int s = CctModel.IMAGE;
        if (x0 < 0 || y0 < 0 || x0 + s > size || y0 + s > size) {
            throw new IllegalArgumentException(
                    "crop at (" + x0 + ", " + y0 + ") of 32x32 does not fit a " + size + "x" + size + " image");
        }
        float[] out = new float[3 * s * s];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < s; y++) {
                System.arraycopy(img, c * size * size + (y0 + y) * size + x0, out, c * s * s + y * s, s);
            }
        }
        return out;
    }
}
