package dev.squeeze.llm;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.data.DataAssumptions;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Generator;
import dev.squeeze.llm.runtime.Perplexity;
import dev.squeeze.llm.runtime.Sampler;
import dev.squeeze.llm.runtime.Session;
import dev.squeeze.llm.runtime.SessionOptions;
import dev.squeeze.llm.tokenizer.Tokenizer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The stories260K anchors: documented greedy text and teacher-forced perplexity. */
class StoriesModelTest {
    /**
     * Measured with this runtime: paragraphs of tinystories-sample.txt (blank-line separated, stripped),
     * each BOS + tokens, 97,651 predicted tokens, full cache. (The file's second half is harder: mojibake
     * such as "â€œ" and other stories; see {@link #readmeProtocolGivesTheDocumentedPerplexity}.)
     */
    static final double PARAGRAPH_NATS = 1.89928;

    /** The whole file as one token stream, 256-token windows (BOS + 255), the first 40 windows. */
    static final double README_NATS = 1.56458;

    static LlamaModel model;

    @BeforeAll
    static void load() {
        if (DataAssumptions.present("models/stories260K.bin")) model = Stories.load();
    }

    @AfterAll
    static void close() {
        if (model != null) model.close();
    }

    @Test
    void greedyFromBosReproducesTheDocumentedText() {
        Stories.assumeData();
        StringBuilder streamed = new StringBuilder();
        Generator.Result r =
                Generator.generate(model, model.newSession(), "", 60, new Sampler(0f, 0), streamed::append);
        assertTrue(r.text().startsWith(Stories.GREEDY_PREFIX), "greedy text was: " + r.text());
        assertEquals(r.text(), streamed.toString());
    }

    @Test
    void tokenizerRoundTripsAndMergesByScore() {
        Stories.assumeData();
        Tokenizer tok = model.tokenizer();
        String s = "Once upon a time, there was a little girl named Lily.";
        int[] ids = tok.encode(s, true);
        assertEquals(1, ids[0]);
        assertEquals(s, tok.decode(ids));
        // fewer tokens than characters: merges happened; byte fallback for a character outside the vocabulary
        assertTrue(ids.length < s.length() / 2, "ids: " + ids.length);
        int[] euro = tok.encode("€", true);
        assertEquals("€", tok.decode(euro));
    }

    @Test
    void stepAndPrefillGiveTheSameLogits() {
        Stories.assumeData();
        int[] ids = model.tokenizer().encode("Lily saw a big dog in the park. She was happy.", true);
        Session a = model.newSession();
        float[][] stepLogits = new float[ids.length][];
        for (int t = 0; t < ids.length; t++) stepLogits[t] = a.step(ids[t]).clone();
        Session b = model.newSession();
        float[] all = b.prefill(ids, true).data();
        int v = model.config().vocabSize();
        for (int t = 0; t < ids.length; t++) {
            for (int i = 0; i < v; i++)
                assertEquals(stepLogits[t][i], all[t * v + i], 1e-4f, "token " + t + " logit " + i);
        }
        assertEquals(a.cache().bytes(), b.cache().bytes());
        assertEquals(ids.length, a.position());
    }

    @Test
    void teacherForcedPerplexityOnTheSample() {
        Stories.assumeData();
        List<int[]> paras = Stories.paragraphs(model.tokenizer(), 0);
        Perplexity.Result r = Perplexity.evaluate(model, paras, 512, SessionOptions.defaults(), true);
        assertEquals(97_651, r.tokens());
        assertEquals(PARAGRAPH_NATS, r.natsPerToken(), 0.002);
        assertEquals(Math.exp(r.natsPerToken()), r.perplexity(), 1e-9);
        // the full cache of the longest paragraph: 5 layers x 4 heads x 2 x 8 floats per token
        assertTrue(r.peakKvBytes() > 0 && r.peakKvBytes() % (5 * 4 * 2 * 8 * 4) == 0);
    }

    /**
     * The data README's "~1.56 nats/token" and the ANCHORS' KV setting (teacher-forced, 256 tokens): the text as
     * one stream, windows of BOS + 255 tokens, the first 40 windows (10,239 predictions). The first 10 to 80
     * windows all give 1.56 to 1.59; the whole file gives 1.944 because its second half is harder.
     */
    @Test
    void readmeProtocolGivesTheDocumentedPerplexity() throws Exception {
        Stories.assumeData();
        int[] whole = model.tokenizer().encode(java.nio.file.Files.readString(Stories.text()), true);
        Perplexity.Result r = Perplexity.evaluate(
                model, List.of(java.util.Arrays.copyOf(whole, 256 * 40)), 256, SessionOptions.defaults(), true);
        assertEquals(10_239, r.tokens());
        assertEquals(README_NATS, r.natsPerToken(), 0.002);
        assertEquals(1.56, r.natsPerToken(), 0.02);
    }

    @Test
    void promptLongerThanTheContextIsAClearError() {
        Stories.assumeData();
        Session s = model.newSession();
        int[] ids = new int[513];
        java.util.Arrays.fill(ids, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.prefill(ids, false));
        assertTrue(e.getMessage().contains("seq_len = 512"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.step(512));
    }
}
