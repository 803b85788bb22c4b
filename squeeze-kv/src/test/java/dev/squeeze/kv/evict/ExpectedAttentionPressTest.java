package dev.squeeze.kv.evict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressParams;
import dev.squeeze.kv.api.RopeRotation;
import dev.squeeze.kv.api.RopeSpec;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The averaged future rotation R(p) mean_f R(f) equals the direct mean of R(p + f) at every position. */
class ExpectedAttentionPressTest {

    @ParameterizedTest
    @EnumSource(RopeSpec.Style.class)
    void averagedRotationEqualsTheDirectMeanOverFuturePositions(RopeSpec.Style style) {
        int d = 32, future = 64;
        ModelShape c = new ModelShape(1, 2, 2, d, 1024, 16, RopeSpec.of(10000, style));
        RopeRotation rope = new RopeRotation(c.rope(), d, 1024);
        ExpectedAttentionPress press = new ExpectedAttentionPress(
                new PressParams(
                        "expectedattention",
                        Map.of("keep", "0.5", "future", String.valueOf(future)),
                        ScorePress.params("future", "vnorm", "covariance", "epsilon")),
                c);
        for (int pos : new int[] {0, 7, 300, 1000}) {
            double[] a = press.averagedRotation(rope, d, pos);
            float[] e = new float[d];
            for (int col = 0; col < d; col++) {
                double[] ref = new double[d];
                for (int f = 1; f <= future; f++) {
                    java.util.Arrays.fill(e, 0f);
                    e[col] = 1f;
                    rope.rotateBy(e, 0, (double) pos + f);
                    for (int i = 0; i < d; i++) ref[i] += e[i] / (double) future;
                }
                for (int i = 0; i < d; i++)
                    assertEquals(ref[i], a[i * d + col], 2e-5, "pos " + pos + " A[" + i + "][" + col + "]");
            }
        }
    }
}
