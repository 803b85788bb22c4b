package dev.squeeze.vision.bench;

import dev.squeeze.core.transform.TokenSet;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.AnyResMethod;
import dev.squeeze.vision.ImageMethod;
import dev.squeeze.vision.model.AnyRes;
import dev.squeeze.vision.model.CctModel;
import dev.squeeze.vision.model.Reducer;

import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Fidelity of a reduced CCT against the unreduced one over a set of images: top-1 agreement, mean KL(full ||
 * reduced) of the class distributions, accuracy on the labelled subset, and the mean wall time of the
 * reduction itself (the reducer's hooks, transform application included).
 */
public final class Fidelity {

    /** A preprocessed image, its unreduced logits, and its CIFAR-10 label index (-1 when unlabelled). */
    public record Sample(String name, float[] image, float[] logits, int label, AnyRes anyRes, float[] anyResLogits) {}

    public record Result(double agreement, double kl, double accuracy, int labelled, double reduceMillis) {}

    private final CctModel model;
    private final ForkJoinPool pool;

    public Fidelity(CctModel model, ForkJoinPool pool) {
        this.model = model;
        this.pool = pool;
    }

    public Result evaluate(List<Sample> samples, ImageMethod method, int keep) throws Exception {
        double[][] per = pool.submit(() -> IntStream.range(0, samples.size()).parallel().mapToObj(i -> {
            Sample s = samples.get(i);
            CctModel.Output o = model.forward(TokenSet.of(model.tokenize(s.image())), method.reducer(keep));
            return score(s.logits(), o.logits(), s.label(), o.reduceNanos());
        }).toArray(double[][]::new)).get();
        return aggregate(per);
    }

    public Result evaluateAnyRes(List<Sample> samples, AnyResMethod method, int keep) throws Exception {
        double[][] per = pool.submit(() -> IntStream.range(0, samples.size()).parallel().mapToObj(i -> {
            Sample s = samples.get(i);
            long t0 = System.nanoTime();
            TokenTransform m = method.reduce(s.anyRes(), keep);
            TokenSet reduced = m.apply(s.anyRes().tokens(), dev.squeeze.core.transform.PositionMode.REPRESENTATIVE);
            long ns = System.nanoTime() - t0;
            CctModel.Stage st = model.run(reduced, dev.squeeze.vision.ImageMethod.LLM_START, CctModel.BLOCKS, Reducer.NONE);
            return score(s.anyResLogits(), model.classify(st.tokens()), s.label(), ns);
        }).toArray(double[][]::new)).get();
        return aggregate(per);
    }

    /** Unreduced logits of the AnyRes view set (the reference for AnyRes methods). */
    public float[] anyResLogits(AnyRes a) {
        CctModel.Stage st = model.run(a.tokens(), dev.squeeze.vision.ImageMethod.LLM_START, CctModel.BLOCKS, Reducer.NONE);
        return model.classify(st.tokens());
    }

    private static double[] score(float[] ref, float[] got, int label, long nanos) {
        int a = argmax(ref), b = argmax(got);
        double[] p = softmax(ref), q = softmax(got);
        double kl = 0;
        for (int c = 0; c < p.length; c++) if (p[c] > 0) kl += p[c] * (Math.log(p[c]) - Math.log(Math.max(q[c], 1e-30)));
        return new double[] {a == b ? 1 : 0, kl, label < 0 ? -1 : (b == label ? 1 : 0), nanos / 1e6};
    }

    private static Result aggregate(double[][] per) {
        double agree = 0, kl = 0, ms = 0, correct = 0;
        int labelled = 0;
        for (double[] r : per) {
            agree += r[0];
            kl += r[1];
            ms += r[3];
            if (r[2] >= 0) { labelled++; correct += r[2]; }
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
        for (int i = 0; i < l.length; i++) { p[i] = Math.exp(l[i] - mx); s += p[i]; }
        for (int i = 0; i < l.length; i++) p[i] /= s;
        return p;
    }

}
