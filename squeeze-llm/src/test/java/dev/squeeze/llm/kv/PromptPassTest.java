package dev.squeeze.llm.kv;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.kv.api.HeadKvStore;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.PromptPass;
import dev.squeeze.llm.format.GgufWriter;
import dev.squeeze.llm.format.ModelLoader;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.model.RopeStyle;
import dev.squeeze.llm.quant.GgmlType;
import dev.squeeze.llm.runtime.Session;
import dev.squeeze.llm.runtime.SessionOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link KvHook#afterPrompt}: a press running more tokens through the model on the prompt's cache. */
class PromptPassTest {

    static LlamaModel tiny(Path dir) throws IOException {
        LlamaConfig c = new LlamaConfig(64, 128, 2, 4, 2, 96, 64, 16, 1e-5f, 10000f, RopeStyle.INTERLEAVED, null);
        Path p = dir.resolve("tiny.gguf");
        GgufWriter.randomLlama(c, GgmlType.F32, 3).write(p);
        return ModelLoader.load(p, null);
    }

    static final int[] PROMPT = {1, 5, 9, 17, 33, 2, 44, 61, 7, 12};
    static final int[] CONTINUATION = {8, 30, 31, 70, 4};

    static float[][] decode(Session s) {
        float[][] out = new float[CONTINUATION.length][];
        for (int i = 0; i < CONTINUATION.length; i++)
            out[i] = s.step(CONTINUATION[i]).clone();
        return out;
    }

    /** Runs extra tokens after the prompt, records what its observer saw, then removes them again. */
    static final class ProbeThenUndo implements KvHook {
        final List<String> seen = new ArrayList<>();
        int[] prompt;
        int start, lengthBefore, lengthDuring;

        @Override
        public void afterPrompt(PromptPass pass) {
            prompt = pass.prompt();
            start = pass.promptStart();
            int n = pass.cache().store(0, 0).length(), p0 = pass.position();
            lengthBefore = n;
            pass.run(new int[] {3, 4, 5}, new KvHook() {
                @Override
                public void afterPrefillLayer(LayerView v) {
                    seen.add("layer " + v.layer() + " queries " + v.queryCount() + " at " + v.queryPosition(0));
                    lengthDuring = v.store(0).length();
                }
            });
            assertEquals(p0 + 3, pass.position());
            for (int l = 0; l < pass.cache().layers(); l++)
                for (int h = 0; h < pass.cache().kvHeads(); h++) {
                    HeadKvStore st = pass.cache().store(l, h);
                    int[] first = new int[n];
                    for (int i = 0; i < n; i++) first[i] = i;
                    st.transform(TokenTransform.select(st.length(), first), PositionMode.REPRESENTATIVE);
                }
            pass.setPosition(p0);
        }

        @Override
        public boolean actsAfterPrompt() {
            return true;
        }
    }

    @Test
    void aPassThatIsUndoneLeavesDecodingExactlyAsWithoutIt(@TempDir Path dir) throws IOException {
        try (LlamaModel m = tiny(dir)) {
            Session plain = m.newSession();
            float[] promptLogits = plain.prefill(PROMPT, false).data().clone();
            float[][] ref = decode(plain);
            // a layer hook that counts calls: it must not see the probe's layers
            int[] layerCalls = {0};
            KvHook counter = new KvHook() {
                @Override
                public void afterPrefillLayer(LayerView v) {
                    layerCalls[0]++;
                }
            };
            ProbeThenUndo probe = new ProbeThenUndo();
            Session s = m.newSession(
                    SessionOptions.builder().hook(counter).hook(probe).build());
            float[] got = s.prefill(PROMPT, false).data();
            assertArrayEquals(promptLogits, got, 1e-5f, "the prompt's logits are computed before afterPrompt");
            assertEquals(2, layerCalls[0], "the session's own hooks see the prompt's 2 layers, not the probe's");
            assertEquals(List.of("layer 0 queries 3 at 10", "layer 1 queries 3 at 10"), probe.seen);
            assertEquals(10, probe.lengthBefore);
            assertEquals(13, probe.lengthDuring);
            assertArrayEquals(PROMPT, probe.prompt);
            assertEquals(0, probe.start);
            assertEquals(10, s.position());
            assertTrue(
                    s.peakKvBytes() >= 13L * 2 * 16 * 4 * 2 * 2,
                    "peak bytes include the probe's 3 extra entries: " + s.peakKvBytes());
            float[][] got2 = decode(s);
            for (int i = 0; i < ref.length; i++) assertArrayEquals(ref[i], got2[i], 1e-5f, "step " + i);
        }
    }

    @Test
    void afterPromptIsCalledOncePerPrefillAndNotForSteps(@TempDir Path dir) throws IOException {
        try (LlamaModel m = tiny(dir)) {
            List<Integer> calls = new ArrayList<>();
            KvHook h = new KvHook() {
                @Override
                public void afterPrompt(PromptPass pass) {
                    calls.add(pass.promptStart());
                }
            };
            Session s = m.newSession(SessionOptions.builder().hook(h).build());
            s.prefill(Arrays.copyOf(PROMPT, 4), false);
            s.step(6);
            s.prefill(new int[] {7, 8}, true);
            assertEquals(List.of(0, 5), calls);
        }
    }

    @Test
    void aLayerPressMayNotFollowOneThatActsAfterThePrompt() {
        KvHook after = new KvHook() {
            @Override
            public boolean actsAfterPrompt() {
                return true;
            }

            @Override
            public String toString() {
                return "kvzip";
            }
        };
        KvHook layer = new KvHook() {
            @Override
            public String toString() {
                return "snapkv";
            }
        };
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> KvHook.chain(List.of(after, layer)));
        assertTrue(
                e.getMessage().contains("'snapkv' works during the prompt's layers")
                        && e.getMessage().contains("'kvzip'"),
                e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> SessionOptions.builder().hook(after).hook(layer).build());
        assertTrue(
                KvHook.chain(List.of(layer, after)).actsAfterPrompt(),
                "the other order is fine, and the chain acts after the prompt");
        assertFalse(KvHook.chain(List.of(layer)).actsAfterPrompt());
    }
}
