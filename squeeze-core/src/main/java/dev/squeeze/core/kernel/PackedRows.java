package dev.squeeze.core.kernel;

/**
 * The rows of a matrix b of shape (rows, width), rearranged once by {@link Kernels#pack} into the layout that
 * kernel's {@link Kernels#dotBlock(float[], int, PackedRows, float[], int, int, int)} reads fastest: weights that
 * are multiplied many times (a linear layer's W in x W^T) are packed at load, so no product repacks or allocates.
 * The layout belongs to the kernels that packed it; using it with others is an {@link IllegalArgumentException}.
 */
public final class PackedRows {
    private final float[] data;
    private final int rows;
    private final int width;
    private final String layout;

    PackedRows(float[] data, int rows, int width, String layout) {
        this.data = data;
        this.rows = rows;
        this.width = width;
        this.layout = layout;
    }

    /** m: the number of rows of b (output columns of a product). */
    public int rows() {
        return rows;
    }

    /** d: the shared dimension. */
    public int width() {
        return width;
    }

    /** The layout's name, e.g. "rows" (plain copy) or "panels-64". */
    public String layout() {
        return layout;
    }

    float[] data() {
        return data;
    }

    float[] dataFor(String expectedLayout) {
        if (!layout.equals(expectedLayout)) {
            throw new IllegalArgumentException(
                    "rows packed in layout '" + layout + "' cannot be read by kernels expecting '" + expectedLayout
                            + "': pack with the same Kernels instance that multiplies");
        }
        return data;
    }
}
