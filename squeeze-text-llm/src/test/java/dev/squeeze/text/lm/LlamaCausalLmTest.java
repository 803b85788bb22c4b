package dev.squeeze.text.lm;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.squeeze.core.data.DataAssumptions;
import dev.squeeze.core.data.SharedData;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Perplexity;
import dev.squeeze.llm.runtime.SessionOptions;
import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.CompressionResult;
import dev.squeeze.text.CompressorRegistry;
import dev.squeeze.text.ForcedContent;
import dev.squeeze.text.llm.LlamaCausalLm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The squeeze-llm adapter against the runtime itself, on stories260K (skipped when ../shared/data is absent). */
class LlamaCausalLmTest {
    /** Three paragraphs of tinystories-sample.txt joined as one (one LLMLingua context, over 64 tokens). */
    static final String STORY =
            "One day, a little girl named Lily found a needle in her room. She knew it was difficult to play "
                    + "with it because it was sharp. Lily wanted to share the needle with her mom, so she could sew a button on her shirt. "
                    + "Lily went to her mom and said, \"Mom, I found this needle. Can you share it with me and sew my shirt?\" Her mom "
                    + "smiled and said, \"Yes, Lily, we can share the needle and fix your shirt.\"";

    static LlamaCausalLm lm;

    @BeforeAll
    static void load() throws Exception {
        if (DataAssumptions.present("models/stories260K.bin")) {
            lm = LlamaCausalLm.open(
                    SharedData.require("models/stories260K.bin"), SharedData.require("models/tok512.bin"), 0);
        }
    }

    @AfterAll
    static void close() {
        if (lm != null) lm.close();
    }

    static void assumeModel() {
        assumeTrue(lm != null, "../shared/data/models/stories260K.bin is absent");
    }

    @Test
    void roundTripsTextThroughTheModelTokenizer() {
        assumeModel();
        assertEquals(STORY, lm.decode(lm.encode(STORY)));
        assertEquals(lm.model().config().seqLen() - 1, lm.contextLength());
    }

    @Test
    void totalLossEqualsTheRuntimePerplexityWithTheSameWindows() {
        assumeModel();
        LlamaModel model = lm.model();
        int[] ids = lm.encode(STORY);
        int[] withBos = new int[ids.length + 1];
        withBos[0] = model.tokenizer().bos();
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        for (int window : new int[] {0, 32}) {
            LlamaCausalLm w = new LlamaCausalLm(model, window);
            int context = window == 0 ? model.config().seqLen() : window;
            assertTrue(
                    window == 0 || ids.length > 2 * (window - 1), "the story must span several windows: " + ids.length);
            double total = 0;
            for (float l : LmScores.losses(w, ids)) total += l;
            // the runtime's perplexity, one token at a time through step() (not prefill): an independent path
            Perplexity.Result r =
                    Perplexity.evaluate(model, List.of(withBos), context, SessionOptions.defaults(), false);
            assertEquals(ids.length, r.tokens());
            assertEquals(r.natsPerToken() * r.tokens(), total, 1e-3 * r.tokens(), "window " + window);
        }
    }

    @Test
    void concurrentCallsGiveTheSequentialLosses() {
        assumeModel();
        int[] ids = lm.encode(STORY);
        float[] expected = lm.tokenLosses(ids);
        List<CompletableFuture<float[]>> fs = IntStream.range(0, 4)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> lm.tokenLosses(ids)))
                .toList();
        for (var f : fs) assertArrayEquals(expected, f.join());
    }

    @Test
    void rejectsInputBeyondTheWindow() {
        assumeModel();
        LlamaCausalLm w = new LlamaCausalLm(lm.model(), 16);
        var e = assertThrows(IllegalArgumentException.class, () -> w.tokenLosses(new int[16]));
        assertTrue(e.getMessage().contains("scoring window of 15"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new LlamaCausalLm(lm.model(), 1 + lm.model().config().seqLen()));
    }

    @Test
    void llmlinguaDropsHigherProbabilityTokensFirst() {
        assumeModel();
        // Record what the compressor decodes last: its kept token ids.
        int[][] last = new int[1][];
        CausalLm recording = new CausalLm() {
            @Override
            public int[] encode(String text) {
                return lm.encode(text);
            }

            @Override
            public String decode(int[] ids) {
                last[0] = ids.clone();
                return lm.decode(ids);
            }

            @Override
            public float[] tokenLosses(int[] ids) {
                return lm.tokenLosses(ids);
            }

            @Override
            public int contextLength() {
                return lm.contextLength();
            }
        };
        var c = new LlmLinguaCompressor(recording, LlmLinguaCompressor.Settings.llmlingua());
        CompressionResult r =
                c.compress(CompressionRequest.builder(STORY).rate(0.5).build());
        int[] ids = lm.encode(STORY);
        assertTrue(ids.length < 200, "one iterative segment with no prefix: scores are the plain losses");
        int k = last[0].length;
        assertTrue(k > 0 && k < ids.length, "kept " + k + " of " + ids.length);
        // the k highest-loss tokens, in text order, are exactly the kept ones
        float[] loss = lm.tokenLosses(ids);
        Integer[] order = IntStream.range(0, ids.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -loss[i]));
        int[] top = Arrays.stream(Arrays.copyOf(order, k))
                .sorted()
                .mapToInt(i -> ids[i])
                .toArray();
        assertArrayEquals(top, last[0]);
        assertTrue(loss[order[k - 1]] > loss[order[k]], "no tie at the threshold");
        // the budget is met in the request's cl100k tokens: the subword fragments of a 512-token vocabulary
        // re-tokenise into more cl100k tokens, so fewer than half of the LM tokens are kept
        assertEquals(0.5, r.rate(), 0.02, "cl100k rate " + r.rate());
        assertTrue(k < 0.5 * ids.length, "LM-token rate " + k + "/" + ids.length);
    }

    /** The red team's case: --target-tokens 200 gave 303 cl100k tokens with llmlingua and 437 with selective-context. */
    @Test
    void everyMethodMeetsATargetInCl100kTokens() throws Exception {
        assumeModel();
        String text = java.nio.file.Files.readString(java.nio.file.Path.of("../examples/rag-context.txt"));
        for (LlmLinguaCompressor.Settings s :
                List.of(LlmLinguaCompressor.Settings.llmlingua(), LlmLinguaCompressor.Settings.longLlmlingua())) {
            CompressionResult r = new LlmLinguaCompressor(lm, s)
                    .compress(CompressionRequest.builder(text)
                            .targetTokens(200)
                            .question("How long are database backups kept on the Pro plan?")
                            .build());
            assertTrue(
                    r.compressedTokens() <= 200 && 200 - r.compressedTokens() <= 0.02 * r.originTokens(),
                    (s.longMode() ? "longllmlingua" : "llmlingua") + ": " + r.compressedTokens() + " of "
                            + r.originTokens());
        }
        for (SelectiveContextCompressor.Unit u : SelectiveContextCompressor.Unit.values()) {
            CompressionResult r = new SelectiveContextCompressor(lm, u)
                    .compress(CompressionRequest.builder(text).targetTokens(200).build());
            assertTrue(
                    r.compressedTokens() <= 200 && 200 - r.compressedTokens() <= 0.02 * r.originTokens(),
                    "selective-context " + u + ": " + r.compressedTokens() + " of " + r.originTokens());
        }
    }

    @Test
    void llmlinguaAtHalfRateKeepsTheRateAndForcedNumbers() {
        assumeModel();
        String text =
                STORY + "\n\nLily counted 37 buttons and 1024 pins in the box. Her mom said she had 12 more at home.";
        var c = new LlmLinguaCompressor(lm, LlmLinguaCompressor.Settings.llmlingua());
        CompressionResult r = c.compress(CompressionRequest.builder(text)
                .rate(0.5)
                .forced(ForcedContent.numbersAndUrls())
                .build());
        for (String n : List.of("37", "1024", "12"))
            assertTrue(r.compressed().contains(n), n + " dropped: " + r.compressed());
        assertEquals(0.5, r.rate(), 0.02, "cl100k rate " + r.rate() + ": " + r.compressed());
        assertTrue(r.compressedTokens() < r.originTokens());
    }

    @Test
    void selectiveContextAndLongLlmlinguaRunOnTheModel() {
        assumeModel();
        var sc = new SelectiveContextCompressor(lm, SelectiveContextCompressor.Unit.TOKEN);
        CompressionResult r =
                sc.compress(CompressionRequest.builder(STORY).rate(0.5).build());
        assertEquals(0.5, r.rate(), 0.02);
        // four sentences of about 25 tokens cannot make 49 of 97 within 0.02: the call says so instead of missing
        var sentences = new SelectiveContextCompressor(lm, SelectiveContextCompressor.Unit.SENTENCE);
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> sentences.compress(
                        CompressionRequest.builder(STORY).rate(0.5).build()));
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "selective-context: the closest fit of its units keeps 45 tokens for a budget of 49 (of 97)"),
                e.getMessage());
        String docs =
                "Beep was a little car who loved fuel.\n\nLily found a needle in her room and shared it with her mom."
                        + "\n\nFin was a fish who swam near the shore.";
        var ll = new LlmLinguaCompressor(lm, LlmLinguaCompressor.Settings.longLlmlingua());
        List<int[]> ids = new ArrayList<>();
        for (String d : docs.split("\n\n")) ids.add(lm.encode(d));
        int[] rank = ll.rank(ids, "What did Lily find in her room?", true);
        assertEquals(3, rank.length);
        assertEquals(3, Arrays.stream(rank).distinct().count());
    }

    @Test
    void factoriesNeedTheModelOption() {
        CompressorRegistry reg = CompressorRegistry.load();
        for (String m : List.of("llmlingua", "longllmlingua", "selective-context")) {
            var e = assertThrows(IllegalArgumentException.class, () -> reg.create(m, Map.of()));
            assertTrue(e.getMessage().contains("--option model="), e.getMessage());
        }
        assumeModel();
        var c = reg.create(
                "selective-context",
                Map.of(
                        "model",
                        SharedData.require("models/stories260K.bin").toString(),
                        "tokenizer",
                        SharedData.require("models/tok512.bin").toString(),
                        "unit",
                        "token"));
        assertEquals("selective-context", c.method());
        assertTrue(
                c.compress(CompressionRequest.builder(STORY).rate(0.5).build()).compressedTokens() > 0);
    }
}
