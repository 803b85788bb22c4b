package dev.squeeze.eval.vision;

import dev.squeeze.core.select.Budget;
import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenSet;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.AnyRes;
import dev.squeeze.vision.AnyResReducer;
import dev.squeeze.vision.cct.CctAnyRes;
import dev.squeeze.vision.cct.CctMethod;
import dev.squeeze.vision.model.CctModel;
import dev.squeeze.vision.model.ImagePreprocessor;
import dev.squeeze.vision.model.Reducer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Fidelity of a reduced CCT against the unreduced one over a set of images: top-1 agreement, mean KL(full ||
 * reduced) of the class distributions, accuracy on the labelled subset, and the mean wall time of the
 * reduction itself (the reducer's hooks, transform application included).
 *
 * <p>Images are processed one at a time per worker: the unreduced pass is run once and its prefix up to the
 * encoder output (tokens and attention traces) is reused by every method whose hooks start there, which is
 * exactly what an uninterrupted pass would compute.
 */
public final class Fidelity {

    /** One image: file and CIFAR-10 label index (-1 when unlabelled). */
    public record Image(Path file, int label) {}

    public record Result(double agreement, double kl, double accuracy, int labelled, double reduceMillis) {}

    private final CctModel model;
    private final ForkJoinPool pool;

    public Fidelity(CctModel model, ForkJoinPool pool) {
        this.model = model;
        this.pool = pool;
    }

    public CctModel model() {
        return model;
    }

    /**
     * Scores every method at every budget. Result indices: [method][keep] for image methods, then
     * [imageMethods + m][keep] for AnyRes methods (budgets as fractions of 256 and of 1280 tokens).
     */
    public Result[][] evaluate(
            List<Image> images,
            List<CctMethod> methods,
            List<AnyResReducer> anyRes,
            double[] keeps,
            IntConsumer onImageDone)
            throws Exception {
        int mCount = methods.size() + anyRes.size();
        double[][][][] per = new double[images.size()][][][];
        pool.submit(() -> IntStream.range(0, images.size()).parallel().forEach(i -> {
                    per[i] = scoreImage(images.get(i), methods, anyRes, keeps);
                    onImageDone.accept(i);
                }))
                .get();
        Result[][] out = new Result[mCount][keeps.length];
        for (int m = 0; m < mCount; m++) {
            for (int k = 0; k < keeps.length; k++) {
                double[][] col = new double[images.size()][];
                for (int i = 0; i < images.size(); i++) col[i] = per[i][m][k];
                out[m][k] = aggregate(col);
            }
        }
        return out;
    }

    private double[][][] scoreImage(Image im, List<CctMethod> methods, List<AnyResReducer> anyRes, double[] keeps) {
        float[] img, large;
        try {
            img = ImagePreprocessor.load(im.file());
            large = anyRes.isEmpty() ? null : ImagePreprocessor.load(im.file(), 2 * CctModel.IMAGE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TokenSet tokens = TokenSet.of(model.tokenize(img));
        CctModel.Stage encoder = model.run(tokens, 0, CctMethod.LLM_START, Reducer.NONE);
        float[] full = model.classify(
                model.run(encoder.tokens(), CctMethod.LLM_START, CctModel.BLOCKS, Reducer.NONE, encoder.history())
                        .tokens());
        double[][][] r = new double[methods.size() + anyRes.size()][keeps.length][];
        for (int m = 0; m < methods.size(); m++) {
            CctMethod method = methods.get(m);
            for (int k = 0; k < keeps.length; k++) {
                int keep = (int) Math.round(keeps[k] * CctModel.TOKENS);
                CctModel.Stage s = method.firstHookLayer() >= CctMethod.LLM_START
                        ? model.run(
                                encoder.tokens(),
                                CctMethod.LLM_START,
                                CctModel.BLOCKS,
                                method.reducer(keep),
                                encoder.history())
                        : model.run(tokens, 0, CctModel.BLOCKS, method.reducer(keep));
                r[m][k] = score(full, model.classify(s.tokens()), im.label(), s.reduceNanos());
            }
        }
        if (!anyRes.isEmpty()) {
            AnyRes a = CctAnyRes.encode(model, img, large, CctMethod.LLM_START);
            float[] ref = model.classify(model.run(a.tokens(), CctMethod.LLM_START, CctModel.BLOCKS, Reducer.NONE)
                    .tokens());
            int total = a.tokens().size();
            for (int m = 0; m < anyRes.size(); m++) {
                for (int k = 0; k < keeps.length; k++) {
                    int keep = (int) Math.round(keeps[k] * total);
                    long t0 = System.nanoTime();
                    TokenTransform t = anyRes.get(m).reduce(a, Budget.count(keep));
                    TokenSet reduced = t.apply(a.tokens(), PositionMode.REPRESENTATIVE);
                    long ns = System.nanoTime() - t0;
                    float[] got = model.classify(model.run(reduced, CctMethod.LLM_START, CctModel.BLOCKS, Reducer.NONE)
                            .tokens());
                    r[methods.size() + m][k] = score(ref, got, im.label(), ns);
                }
            }
        }
        return r;
    }

    private static double[] score(float[] ref, float[] got, int label, long nanos) {
        int a = argmax(ref), b = argmax(got);
        double[] p = softmax(ref), q = softmax(got);
        double kl = 0;
        for (int c = 0; c < p.length; c++)
            if (p[c] > 0) kl += p[c] * (Math.log(p[c]) - Math.log(Math.max(q[c], 1e-30)));
        return new double[] {a == b ? 1 : 0, kl, label < 0 ? -1 : (b == label ? 1 : 0), nanos / 1e6};
    }

    private static Result aggregate(double[][] per) {
        double agree = 0, kl = 0, ms = 0, correct = 0;
        int labelled = 0;
        for (double[] r : per) {
            agree += r[0];
            kl += r[1];
            ms += r[3];
            if (r[2] >= 0) {
                labelled++;
                correct += r[2];
            }
        }
        int n = per.length;
        return new Result(agree / n, kl / n, labelled == 0 ? Double.NaN : correct / labelled, labelled, ms / n);
    }

    static int argmax(float[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[b]) b = i;
        return b;
    }

    static double[] softmax(float[] l) {
        double mx = Double.NEGATIVE_INFINITY;
        for (float v : l) mx = Math.max(mx, v);
        double[] p = new double[l.length];
        double s = 0;
        for (int i = 0; i < l.length; i++) {
            p[i] = Math.exp(l[i] - mx);
            s += p[i];
        }
        for (int i = 0; i < l.length; i++) p[i] /= s;
        return p;
    }
}
