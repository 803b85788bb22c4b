package dev.squeeze.kv.api;

import dev.squeeze.core.tensor.FloatMatrix;

/**
 * Test reference: a store that delegates every abstract call to another store and keeps the interface's default
 * methods ({@code transform}, {@code truncate}, ... through {@code replace}), so a store's own overrides can be
 * compared with the general path on identical contents.
 */
final class DefaultPathStore {
    private DefaultPathStore() {}

    static HeadKvStore over(HeadKvStore s) {
        return new HeadKvStore() {
            @Override
            public int headDim() {
                return s.headDim();
            }

            @Override
            public int length() {
                return s.length();
            }

            @Override
            public int capacity() {
                return s.capacity();
            }

            @Override
            public void append(float[] key, int keyOff, float[] value, int valueOff, float position) {
                s.append(key, keyOff, value, valueOff, position);
            }

            @Override
            public float position(int slot) {
                return s.position(slot);
            }

            @Override
            public void scores(float[] q, int qOff, int count, float[] out, int outOff) {
                s.scores(q, qOff, count, out, outOff);
            }

            @Override
            public void weightedValues(float[] w, int wOff, int count, float[] out, int outOff) {
                s.weightedValues(w, wOff, count, out, outOff);
            }

            @Override
            public long bytes() {
                return s.bytes();
            }

            @Override
            public FloatMatrix keys() {
                return s.keys();
            }

            @Override
            public FloatMatrix values() {
                return s.values();
            }

            @Override
            public float[] positions() {
                return s.positions();
            }

            @Override
            public void replace(FloatMatrix k, FloatMatrix v, float[] p) {
                s.replace(k, v, p);
            }

            @Override
            public void clear() {
                s.clear();
            }
        };
    }
}
