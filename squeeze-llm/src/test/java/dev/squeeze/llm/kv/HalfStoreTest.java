package dev.squeeze.llm.kv;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.DenseKvStore;
import dev.squeeze.kv.api.HeadKvStore;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.llm.Stories;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Session;
import dev.squeeze.llm.runtime.SessionOptions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A packed store plugged in through the contract: fp16 keys and values, scores and weighted sums computed
 * from the packed data, real bytes counted. The runtime must use it only through the interface.
 */
class HalfStoreTest {

    static final class HalfKvStore implements HeadKvStore {
        final int hd, cap;
        short[] k, v;
        float[] pos;
        int n;

        HalfKvStore(int hd, int cap) {
            this.hd = hd;
            this.cap = cap;
            k = new short[cap * hd];
            v = new short[cap * hd];
            pos = new float[cap];
        }

        @Override
        public int headDim() {
            return hd;
        }

        @Override
        public int length() {
            return n;
        }

        @Override
        public int capacity() {
            return cap;
        }

        @Override
        public void append(float[] key, int ko, float[] value, int vo, float position) {
            for (int i = 0; i < hd; i++) {
                k[n * hd + i] = Float.floatToFloat16(key[ko + i]);
                v[n * hd + i] = Float.floatToFloat16(value[vo + i]);
            }
            pos[n++] = position;
        }

        @Override
        public float position(int slot) {
            return pos[slot];
        }

        @Override
        public void scores(float[] q, int qo, int count, float[] out, int oo) {
            for (int j = 0; j < count; j++) {
                float s = 0;
                for (int i = 0; i < hd; i++) s += q[qo + i] * Float.float16ToFloat(k[j * hd + i]);
                out[oo + j] = s;
            }
        }

        @Override
        public void weightedValues(float[] w, int wo, int count, float[] out, int oo) {
            Arrays.fill(out, oo, oo + hd, 0f);
            for (int j = 0; j < count; j++)
                for (int i = 0; i < hd; i++) out[oo + i] += w[wo + j] * Float.float16ToFloat(v[j * hd + i]);
        }

        @Override
        public long bytes() {
            return 2L * 2 * hd * n;
        }

        @Override
        public FloatMatrix keys() {
            return unpack(k);
        }

        @Override
        public FloatMatrix values() {
            return unpack(v);
        }

        private FloatMatrix unpack(short[] a) {
            FloatMatrix m = new FloatMatrix(n, hd);
            for (int i = 0; i < n * hd; i++) m.data()[i] = Float.float16ToFloat(a[i]);
            return m;
        }

        @Override
        public float[] positions() {
            return Arrays.copyOf(pos, n);
        }

        @Override
        public void replace(FloatMatrix keys, FloatMatrix values, float[] positions) {
            n = 0;
            for (int r = 0; r < positions.length; r++) append(keys.data(), r * hd, values.data(), r * hd, positions[r]);
        }

        @Override
        public void clear() {
            n = 0;
        }
    }

    @Test
    void aPackedStoreRunsThroughTheContractAndCountsItsBytes() {
        Stories.assumeData();
        try (LlamaModel m = Stories.load()) {
            int[] ids = m.tokenizer().encode("Once upon a time, Lily found a shiny stone by the river.", true);
            Session dense = m.newSession();
            Session half = m.newSession(SessionOptions.builder()
                    .storeFactory((l, h, hd, cap) -> new HalfKvStore(hd, cap))
                    .build());
            float maxDiff = 0;
            for (int id : ids) {
                float[] a = dense.step(id).clone();
                float[] b = half.step(id);
                for (int i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            }
            assertTrue(maxDiff > 0 && maxDiff < 0.05f, "fp16 cache changes logits a little: " + maxDiff);
            assertEquals(dense.cache().bytes() / 2, half.cache().bytes());
            assertEquals(dense.peakKvBytes() / 2, half.peakKvBytes());

            // swapping mid-sequence from a hook: layer 3 head 0 moves to fp16 with the same contents
            KvHook swapper = new KvHook() {
                @Override
                public void afterDecodeStep(LayerView v) {
                    if (v.layer() == 3 && v.store(0) instanceof DenseKvStore d && d.length() == 5) {
                        HalfKvStore h = new HalfKvStore(d.headDim(), d.capacity());
                        h.replace(d.keys(), d.values(), d.positions());
                        v.swap(0, h);
                    }
                }
            };
            Session s = m.newSession(SessionOptions.builder().hook(swapper).build());
            for (int id : ids) s.step(id);
            assertInstanceOf(HalfKvStore.class, s.cache().store(3, 0));
            assertEquals(ids.length, s.cache().length(3, 0));
            long denseHead = 2L * 4 * 8 * ids.length;
            assertEquals(5L * 4 * denseHead - denseHead / 2, s.cache().bytes());
        }
    }
}
