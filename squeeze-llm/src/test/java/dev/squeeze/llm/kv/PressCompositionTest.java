package dev.squeeze.llm.kv;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Presses joined by '+' and {@link KvHook#chain}. */
class PressCompositionTest {
    @Test
    void chainCallsHooksInOrderAndSkipsNulls() {
        List<String> calls = new ArrayList<>();
        KvHook a = new KvHook() {
            @Override public void afterDecodeStep(LayerView v) { calls.add("a"); }
            @Override public void reset() { calls.add("ra"); }
        };
        KvHook b = new KvHook() {
            @Override public void afterDecodeStep(LayerView v) { calls.add("b"); }
        };
        List<KvHook> hs = new ArrayList<>();
        hs.add(a);
        hs.add(null);
        hs.add(b);
        KvHook c = KvHook.chain(hs);
        c.afterDecodeStep(null);
        c.reset();
        assertEquals(List.of("a", "b", "ra"), calls);
    }

    @Test
    void plusJoinedNonesGiveNoHookAndEmptyPartsAreRejected() {
        assertNull(Presses.create("none+none", null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Presses.create("none++none", null));
        assertTrue(e.getMessage().contains("empty part"), e.getMessage());
    }
}
