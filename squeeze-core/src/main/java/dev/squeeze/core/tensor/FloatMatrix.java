package dev.squeeze.core.tensor;

import dev.squeeze.core.Args;
import java.util.Arrays;

/**
 * A dense row-major float matrix: {@code rows x cols}, element (i, j) at {@code data[i * cols + j]}.
 * A token set of N tokens of width D is a FloatMatrix(N, D). The array is shared, not copied, so
 * kernels can work on it in place; use {@link #copy()} when a caller must not see changes.
 */
public final class FloatMatrix {
    private final int rows;
    private final int cols;
    private final float[] data;

    public FloatMatrix(int rows, int cols, float[] data) {
        Args.nonNegative("rows", rows);
        Args.nonNegative("cols", cols);
        Args.notNull("data", data);
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException("data.length must be rows*cols = " + rows + "*" + cols + " = "
                    + ((long) rows * cols) + ", got " + data.length);
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    public FloatMatrix(int rows, int cols) {
        this(rows, cols, new float[Math.multiplyExact(rows, cols)]);
    }

    /** Copies a jagged array; every row must have the same length. */
    public static FloatMatrix of(float[][] rowsData) {
        Args.notNull("rows", rowsData);
        int n = rowsData.length;
        int d = n == 0 ? 0 : rowsData[0].length;
        float[] data = new float[n * d];
        for (int i = 0; i < n; i++) {
            if (rowsData[i].length != d) {
                throw new IllegalArgumentException(
                        "row " + i + " has length " + rowsData[i].length + ", expected " + d);
            }
            System.arraycopy(rowsData[i], 0, data, i * d, d);
        }
        return new FloatMatrix(n, d, data);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The backing array (shared). */
    public float[] data() {
        return data;
    }

    public float get(int i, int j) {
        return data[i * cols + j];
    }

    public void set(int i, int j, float v) {
        data[i * cols + j] = v;
    }

    public int offset(int row) {
        return row * cols;
    }

    public float[] row(int i) {
        Args.inRange("row", i, 0, rows - 1);
        return Arrays.copyOfRange(data, i * cols, (i + 1) * cols);
    }

    public FloatMatrix copy() {
        return new FloatMatrix(rows, cols, data.clone());
    }

    /** Rows {@code indices} in the given order, as a new matrix. */
    public FloatMatrix selectRows(int[] indices) {
        float[] out = new float[indices.length * cols];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= rows) {
                throw new IllegalArgumentException("indices[" + k + "] = " + i + " is outside [0, " + rows + ")");
            }
            System.arraycopy(data, i * cols, out, k * cols, cols);
        }
        return new FloatMatrix(indices.length, cols, out);
    }

    /** Throws if any entry is NaN or infinite, naming the row and column. */
    public FloatMatrix requireFinite(String name) {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new IllegalArgumentException(name + " has a non-finite value " + data[i] + " at row "
                        + (i / Math.max(1, cols)) + ", column " + (i % Math.max(1, cols)));
            }
        }
        return this;
    }

    @Override
    public String toString() {
        return "FloatMatrix(" + rows + " x " + cols + ")";
    }
}
