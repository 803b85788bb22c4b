package dev.squeeze.llm.quant;

import org.jspecify.annotations.Nullable;

/**
 * GGML tensor element types as numbered in GGUF files: a type stores {@code blockSize} elements in
 * {@code typeSize} bytes. Only the types with {@link #supported()} can be loaded; the others are listed so
 * that a file using one is rejected with its name rather than an unexplained number.
 */
public enum GgmlType {
    F32(0, 1, 4, true),
    F16(1, 1, 2, true),
    Q4_0(2, 32, 18, true),
    Q4_1(3, 32, 20, false),
    Q5_0(6, 32, 22, false),
    Q5_1(7, 32, 24, false),
    Q8_0(8, 32, 34, true),
    Q8_1(9, 32, 36, false),
    Q2_K(10, 256, 84, false),
    Q3_K(11, 256, 110, false),
    Q4_K(12, 256, 144, true),
    Q5_K(13, 256, 176, false),
    Q6_K(14, 256, 210, true),
    Q8_K(15, 256, 292, false),
    BF16(30, 1, 2, true);

    private final int id;
    private final int blockSize;
    private final int typeSize;
    private final boolean supported;

    GgmlType(int id, int blockSize, int typeSize, boolean supported) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
        this.supported = supported;
    }

    public int id() {
        return id;
    }

    /** Elements per block. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    /** Whether Squeeze can compute with tensors of this type. */
    public boolean supported() {
        return supported;
    }

    /** Bytes of {@code n} elements; n must be a multiple of the block size. */
    public long bytesFor(long n) {
        if (n % blockSize != 0) {
            throw new IllegalArgumentException(
                    name() + " stores blocks of " + blockSize + " elements; " + n + " is not a multiple");
        }
        return Math.multiplyExact(n / blockSize, (long) typeSize);
    }

    /** The type with this GGUF id, or null when the id is unknown. */
    public static @Nullable GgmlType byId(int id) {
        for (GgmlType t : values()) if (t.id == id) return t;
        return null;
    }
}
