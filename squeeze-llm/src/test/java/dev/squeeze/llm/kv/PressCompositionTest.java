package dev.squeeze.llm.kv;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.NoPress;
import dev.squeeze.kv.api.Presses;
import dev.squeeze.kv.api.RopeSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Presses joined by '+' and {@link KvHook#chain}. */
class PressCompositionTest {
    @Test
    void chainCallsHooksInOrderAndSkipsTheNoOpPress() {
        List<String> calls = new ArrayList<>();
        KvHook a = new KvHook() {
            @Override
            public void afterDecodeStep(LayerView v) {
                calls.add("a");
            }

            @Override
            public void reset() {
                calls.add("ra");
            }
        };
        KvHook b = new KvHook() {
            @Override
            public void afterDecodeStep(LayerView v) {
                calls.add("b");
            }
        };
        List<KvHook> hs = new ArrayList<>();
        hs.add(a);
        hs.add(KvHook.NONE);
        hs.add(b);
        KvHook c = KvHook.chain(hs);
        c.afterDecodeStep(null);
        c.reset();
        assertEquals(List.of("a", "b", "ra"), calls);
        assertSame(KvHook.NONE, KvHook.chain(List.of(KvHook.NONE, KvHook.NONE)), "a chain of nothing is nothing");
        assertSame(a, KvHook.chain(List.of(KvHook.NONE, a)), "a chain of one press is that press");
    }

    private static final ModelShape SHAPE =
            new ModelShape(1, 2, 1, 4, 16, 8, RopeSpec.of(10000, RopeSpec.Style.INTERLEAVED));

    @Test
    void plusJoinedNonesGiveNoHookAndEmptyPartsAreRejected() {
        assertSame(KvHook.NONE, Presses.create("none+none", SHAPE));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Presses.create("none++none", SHAPE));
        assertTrue(e.getMessage().contains("empty part"), e.getMessage());
    }

    @Test
    void theModelItselfIsAKvModel() {
        dev.squeeze.llm.Stories.assumeData();
        try (dev.squeeze.llm.model.LlamaModel m = dev.squeeze.llm.Stories.load()) {
            assertSame(KvHook.NONE, Presses.create("none", m));
            assertSame(KvHook.NONE, Presses.create("none+none", m));
            assertEquals(m.config().nKvHeads(), m.shape().nKvHeads());
            assertEquals(m.config().headDim(), m.rope().headDim());
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Presses.create("nosuchpress:x=1", m));
            assertTrue(e.getMessage().contains("unknown press 'nosuchpress'"), e.getMessage());
            IllegalArgumentException p = assertThrows(
                    IllegalArgumentException.class, () -> new NoPress().create(java.util.Map.of("k", "1"), m));
            assertTrue(p.getMessage().contains("'k'"), p.getMessage());
        }
    }
}
