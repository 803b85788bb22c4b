package dev.squeeze.llm.spec;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.llm.Stories;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Session;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Session#verifyTree} and {@link Session#acceptTree} on stories260K: each node's logits are those of
 * prefilling its root-to-node path after the same context (tree attention and tree positions), and after a path is
 * accepted the session continues exactly as if those tokens had been decoded.
 */
class TreeVerificationTest {
    static LlamaModel model;
    static int[] context;

    @BeforeAll
    static void load() {
        if (dev.squeeze.core.data.SharedData.file("models/stories260K.bin").isPresent()) {
            model = Stories.load();
            context = model.tokenizer().encode("Once upon a time, there was a little girl named Lily.", true);
        }
    }

    @AfterAll
    static void close() {
        if (model != null) model.close();
    }

    static float[] row(float[] m, int r, int n) {
        return Arrays.copyOfRange(m, r * n, (r + 1) * n);
    }

    /** Logits after context + path, by prefilling (the causal reference). */
    static float[] reference(int[] path) {
        Session s = model.newSession();
        int[] all = Arrays.copyOf(context, context.length + path.length);
        System.arraycopy(path, 0, all, context.length, path.length);
        float[] l = s.prefill(all, true).data();
        return row(l, all.length - 1, model.config().vocabSize());
    }

    @Test
    void eachNodeSeesExactlyItsAncestors() {
        Stories.assumeData();
        int vocab = model.config().vocabSize();
        // root 0; children 1, 2; 3 under 1; 4 under 2; 5 under 3: two branches of different tokens and depths
        int[] tokens = {42, 100, 200, 300, 400, 7};
        int[] parents = {-1, 0, 0, 1, 2, 3};
        int[][] paths = {{42}, {42, 100}, {42, 200}, {42, 100, 300}, {42, 200, 400}, {42, 100, 300, 7}};
        Session s = model.newSession();
        s.prefill(context, false);
        float[] logits = s.verifyTree(tokens, parents).clone();
        for (int node = 0; node < tokens.length; node++) {
            float[] want = reference(paths[node]), got = row(logits, node, vocab);
            float worst = 0;
            for (int i = 0; i < vocab; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]));
            assertTrue(worst < 1e-4f, "node " + node + " differs from prefilling its path by " + worst);
        }
        // accept root -> 2 -> 4: the cache now holds context + 42, 200, 400 and the next step continues from there
        s.acceptTree(new int[] {0, 2, 4});
        assertEquals(context.length + 3, s.position());
        assertEquals(context.length + 3, s.cache().length(0, 0));
        float[] next = s.step(11);
        float[] want = reference(new int[] {42, 200, 400, 11});
        for (int i = 0; i < vocab; i++)
            assertEquals(want[i], next[i], 1e-4f, "logit " + i + " after the accepted path");
    }

    @Test
    void misuseIsNamed() {
        Stories.assumeData();
        Session s = model.newSession();
        s.prefill(context, false);
        var bad = assertThrows(
                IllegalArgumentException.class, () -> s.verifyTree(new int[] {1, 2, 3}, new int[] {-1, 2, 0}));
        assertTrue(bad.getMessage().contains("node 1 has parent 2"), bad.getMessage());
        s.verifyTree(new int[] {1, 2, 3}, new int[] {-1, 0, 1});
        var pending = assertThrows(IllegalStateException.class, () -> s.step(5));
        assertTrue(pending.getMessage().contains("acceptTree"), pending.getMessage());
        var path = assertThrows(IllegalArgumentException.class, () -> s.acceptTree(new int[] {0, 2}));
        assertTrue(path.getMessage().contains("not a child"), path.getMessage());
        s.acceptTree(new int[] {0});
        assertEquals(context.length + 1, s.position());
        assertThrows(IllegalStateException.class, () -> s.acceptTree(new int[] {0}));
    }
}
