package dev.squeeze.eval.kv;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.kv.quant.KiviStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The byte formula of the 2-bit search is the store's own count, and the search picks what hand arithmetic says. */
class KiviLayoutTest {
    @ParameterizedTest
    @CsvSource({
        "48,2,32,64,true,192",
        "48,2,16,32,true,192",
        "48,2,24,48,false,200",
        "48,4,32,0,false,100",
        "8,2,32,32,false,192",
        "48,2,48,48,true,37"
    })
    void formulaEqualsTheStoresBytes(int hd, int bits, int group, int residual, boolean fp16, int l) {
        KiviStore store = new KiviStore(hd, 256, bits, group, residual, fp16);
        float[] row = new float[hd];
        for (int i = 0; i < l; i++) {
            for (int c = 0; c < hd; c++) row[c] = (float) Math.sin(i * 0.37 + c);
            store.append(row, 0, row, 0, i);
        }
        assertEquals(store.bytes(), new KiviLayout(bits, group, residual, fp16, hd).bytes(l));
    }

    @Test
    void handComputedLayoutAtHeadDim48() {
        // G = 32, R = 64, fp16 residual, 192 tokens: keys 192 x (12 codes + 48 x 4 / 32) = 3456; values 128 quantised x
        // (12 codes + 2 ragged groups x 4) = 2560; value residual 64 x 96 = 6144; fp32 = 192 x 384 = 73728
        KiviLayout k = new KiviLayout(2, 32, 64, true, 48);
        assertEquals(3456 + 2560 + 6144, k.bytes(192));
        assertEquals(73728.0 / 12160, k.ratioToFp32(192), 1e-12);
    }

    @Test
    void searchKeepsTheLargestResidualThatFitsSixFold() {
        List<KiviLayout> found = KiviLayout.twoBitSearch(48, 192, 6.0, 16, 24, 32, 48);
        assertEquals(
                List.of(
                        new KiviLayout(2, 16, 32, true, 48), new KiviLayout(2, 16, 16, false, 48),
                        new KiviLayout(2, 24, 48, true, 48), new KiviLayout(2, 24, 24, false, 48),
                        new KiviLayout(2, 32, 64, true, 48), new KiviLayout(2, 32, 0, false, 48),
                        new KiviLayout(2, 48, 48, true, 48), new KiviLayout(2, 48, 0, false, 48)),
                found);
        for (KiviLayout k : found) assertTrue(k.ratioToFp32(192) >= 6.0, k.toString());
        // one step longer residual no longer fits (G = 16, fp16: R = 48 gives 12672 bytes, 5.82x)
        assertTrue(new KiviLayout(2, 16, 48, true, 48).ratioToFp32(192) < 6.0);
        assertEquals(
                "kivi:bits=2,group=32,residual=64,residualDtype=fp16,preRope=true",
                found.get(4).spec(true));
    }
}
