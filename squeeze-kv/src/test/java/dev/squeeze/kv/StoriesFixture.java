package dev.squeeze.kv;

import dev.squeeze.core.data.DataAssumptions;
import dev.squeeze.core.data.SharedData;
import dev.squeeze.llm.format.Llama2cLoader;
import dev.squeeze.llm.model.LlamaModel;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The shared stories260K model for tests (skips cleanly when ../shared/data is absent). */
public final class StoriesFixture {
    private StoriesFixture() {}

    private static LlamaModel model;

    public static boolean present() {
        return DataAssumptions.present("models/stories260K.bin");
    }

    public static void assume() {
        DataAssumptions.require("models/stories260K.bin");
    }

    /** One model for the whole test run (read-only, sessions are per test). */
    public static synchronized LlamaModel model() {
        assume();
        if (model == null) {
            try {
                model = Llama2cLoader.load(
                        SharedData.require("models/stories260K.bin"), SharedData.require("models/tok512.bin"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // warm the JIT so vector and scalar lane reductions do not mix between runs compared bit for bit
            int[] chunk = new int[64];
            for (int i = 0; i < chunk.length; i++) chunk[i] = 1 + (i * 37) % 400;
            for (int r = 0; r < 20; r++) {
                var s = model.newSession();
                s.prefill(chunk, true);
                for (int t = 0; t < 200; t++) s.step(1 + t % 400);
            }
        }
        return model;
    }

    public static int[] text(int n) {
        int[] ids = model().tokenizer()
                .encode(
                        "Once upon a time, there was a little dog named Max. Max liked to run in the park with his friend. "
                                + "One day, Max saw a big red ball. He wanted to play with it. He ran to the ball and pushed it with his nose. "
                                + "The ball rolled away and Max ran after it. His friend Lily laughed and ran too. They played all day until the sun went down.",
                        true);
        if (ids.length < n) throw new IllegalStateException("fixture text has only " + ids.length + " tokens");
        return java.util.Arrays.copyOf(ids, n);
    }
}
