package dev.squeeze.vision.model;

import java.util.Arrays;

/**
 * A float32 tensor read from a checkpoint: row-major (contiguous) data of the given shape.
 *
 * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
 * maker nor its readers modify them.
 *
 * @param name  state-dict key
 * @param shape dimensions, outermost first
 * @param data  product(shape) values, row-major
 */
record TorchTensor(String name, int[] shape, float[] data) {

    public TorchTensor {
        long n = 1;
        for (int s : shape) n *= s;
        if (n != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + data.length);
        }
    }

    /** Fails unless the shape is exactly {@code expected}, naming the tensor and both shapes. */
    public TorchTensor requireShape(String source, int... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new IllegalArgumentException(source + ": tensor '" + name + "' has shape " + Arrays.toString(shape)
                    + ", expected " + Arrays.toString(expected));
        }
        return this;
    }
}
