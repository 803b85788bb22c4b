package dev.squeeze.llm.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.llm.quant.Q8Activations;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import jdk.incubator.vector.IntVector;
import org.junit.jupiter.api.Test;

/** The integer Q4_0 prompt product against its scalar reference, and its packing against the quantiser. */
class Q4GemmTest {

    /** Random weight pairs: two nibble values in [-8, 7] as the low and high 16 bits. */
    private static int[] weightPairs(SplittableRandom r, int n) {
        int[] w = new int[n];
        for (int i = 0; i < n; i++) w[i] = ((r.nextInt(16) - 8) & 0xFFFF) | ((r.nextInt(16) - 8) << 16);
        return w;
    }

    @Test
    void equalsTheReferenceBitForBitOnEdgeShapes() {
        assertEquals(0, mismatchedShapes(), "shapes whose product differs from the reference");
    }

    @Test
    void equalsTheReferenceWithEightIntLanes() throws Exception {
        // the runtime takes this path only with 16 int lanes, but the kernel is written for any lane count: run the
        // same comparison in a JVM whose vectors are 256 bits wide
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-XX:MaxVectorSize=32",
                        "--add-modules",
                        "jdk.incubator.vector",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Q4GemmTest.class.getName())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("int lanes 8, mismatched shapes 0"), out);
    }

    /** The 256-bit check's entry: prints the int lane count and how many shapes differ from the reference. */
    public static void main(String[] args) {
        System.out.println(
                "int lanes " + IntVector.SPECIES_PREFERRED.length() + ", mismatched shapes " + mismatchedShapes());
    }

    private static int mismatchedShapes() {
        int mismatched = 0;
        SplittableRandom r = new SplittableRandom(5);
        // rows: whole and partial 4-row tiles; T: one token to several groups, partial groups; K: one block to many
        int[][] shapes = {
            {4, 32, 32}, {7, 64, 11}, {13, 96, 33}, {32, 2048, 64}, {5, 320, 65}, {1, 32, 1}, {8, 160, 100}
        };
        for (int[] sh : shapes) {
            int rows = sh[0], K = sh[1], T = sh[2], nb = K / 32;
            int[] w = weightPairs(r, rows * K / 2);
            float[] ws = new float[rows * nb];
            for (int i = 0; i < ws.length; i++) ws[i] = (float) (0.01 + 0.1 * r.nextDouble());
            float[] x = new float[T * K];
            // an all-zero block (scale 0) and a wide range of magnitudes
            for (int i = 0; i < x.length; i++)
                x[i] = i < 32 ? 0f : (float) (r.nextGaussian() * Math.exp(3 * r.nextGaussian()));
            // the reference's inputs: every token's blocks quantised on their own
            int[] xq = new int[T * K / 2];
            float[] dx = new float[T * nb];
            for (int t = 0; t < T; t++)
                for (int b = 0; b < nb; b++)
                    dx[t * nb + b] = Q8Activations.quantisePairs(x, t * K + 32 * b, xq, t * K / 2 + 16 * b, 1);
            int ldo = rows + 3, oOff = 2;
            float[] want = new float[T * ldo], got = new float[T * ldo];
            Arrays.fill(want, 7f);
            Arrays.fill(got, 7f);
            Q4Gemm.referenceProduct(w, ws, rows, K, xq, dx, T, want, oOff, ldo);
            int[] packed = new int[(int) Q4Gemm.packedLength(T, K)];
            float[] scales = new float[(int) Q4Gemm.scalesLength(T, K)];
            Arrays.fill(packed, 0x7FFF7FFF); // pad lanes must be written by pack, never read unset
            Arrays.fill(scales, Float.NaN);
            Q4Gemm.pack(x, 0, T, K, 0, T, packed, scales);
            Q4Gemm.multiply(w, ws, rows, K, packed, scales, T, got, oOff, ldo, new float[Q4Gemm.scratchLength()]);
            if (!Arrays.equals(want, got)) mismatched++;
        }
        return mismatched;
    }

    @Test
    void extremeQuantsDoNotOverflowTheSixteenBitLanes() {
        // every product at its largest magnitude, -8 * -127 = 1016, 32 per block: the block sum 32512 is exact
        int rows = 4, K = 64, T = 32;
        int[] w = new int[rows * K / 2];
        Arrays.fill(w, (-8 & 0xFFFF) | (-8 << 16));
        float[] ws = new float[rows * K / 32];
        Arrays.fill(ws, 1f);
        float[] x = new float[T * K];
        Arrays.fill(x, -1f); // quantised to -127 with d = half(1/127)
        int[] packed = new int[(int) Q4Gemm.packedLength(T, K)];
        float[] scales = new float[(int) Q4Gemm.scalesLength(T, K)];
        Q4Gemm.pack(x, 0, T, K, 0, T, packed, scales);
        float[] out = new float[T * rows];
        Q4Gemm.multiply(w, ws, rows, K, packed, scales, T, out, 0, rows, new float[Q4Gemm.scratchLength()]);
        float d = Float.float16ToFloat(Float.floatToFloat16(1f / 127f));
        float want = Math.fma(32512f, d, 32512f * d);
        for (float v : out) assertEquals(want, v);
        assertEquals(64 * 8, want, 0.5, "x = -1 times w = -8 over 64 elements");
    }

    @Test
    void packingByGroupsInPiecesEqualsPackingAtOnceAndMatchesTheQuantiser() {
        int T = 75, K = 64;
        float[] x = new float[T * K + 3];
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        int[] once = new int[(int) Q4Gemm.packedLength(T, K)], pieces = new int[once.length];
        float[] s1 = new float[(int) Q4Gemm.scalesLength(T, K)], s2 = new float[s1.length];
        Q4Gemm.pack(x, 3, T, K, 0, T, once, s1);
        for (int g = 0; g < Q4Gemm.groups(T); g++)
            Q4Gemm.pack(x, 3, T, K, g * Q4Gemm.GROUP, Math.min(T, (g + 1) * Q4Gemm.GROUP), pieces, s2);
        assertArrayEquals(once, pieces);
        assertArrayEquals(s1, s2);
        // token t's element 32 b + i (i < 16) is the low half of pair 16 b + i, element 32 b + i + 16 its high half,
        // each round-half-even(x * 127 / amax) of the block, the scale amax / 127 as a half float
        int t = 70, b = 1, i = 5, g = t / Q4Gemm.GROUP;
        int src = 3 + t * K + 32 * b;
        float amax = 0f;
        for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[src + j]));
        int pair = once[(g * K / 2 + 16 * b + i) * Q4Gemm.GROUP + t % Q4Gemm.GROUP];
        assertEquals((int) Math.rint(x[src + i] * (127f / amax)), (short) pair);
        assertEquals((int) Math.rint(x[src + i + 16] * (127f / amax)), pair >> 16);
        assertEquals(
                Float.float16ToFloat(Float.floatToFloat16(amax / 127f)),
                s1[(g * 2 + b) * Q4Gemm.GROUP + t % Q4Gemm.GROUP]);
        assertEquals(0, once[(g * K / 2) * Q4Gemm.GROUP + Q4Gemm.GROUP - 1], "pad lane of the last group");
        assertEquals(0f, s1[g * 2 * Q4Gemm.GROUP + Q4Gemm.GROUP - 1], "pad scale of the last group");
    }
}
