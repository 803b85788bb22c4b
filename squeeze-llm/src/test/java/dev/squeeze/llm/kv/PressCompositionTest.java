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
        assertNull(Presses.create("none+none", (dev.squeeze.llm.model.LlamaConfig) null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Presses.create("none++none", (dev.squeeze.llm.model.LlamaConfig) null));
        assertTrue(e.getMessage().contains("empty part"), e.getMessage());
    }

    @Test
    void modelAwareCreateDelegatesToTheConfigVariantByDefault() {
        dev.squeeze.llm.Stories.assumeData();
        try (dev.squeeze.llm.model.LlamaModel m = dev.squeeze.llm.Stories.load()) {
            assertNull(Presses.create("none", m));
            assertNull(Presses.create("none+none", m));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Presses.create("nosuchpress:x=1", m));
            assertTrue(e.getMessage().contains("unknown press 'nosuchpress'"), e.getMessage());
            IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> new NoPress().create(java.util.Map.of("k", "1"), m));
            assertTrue(p.getMessage().contains("'k'"), p.getMessage());
        }
    }
}
