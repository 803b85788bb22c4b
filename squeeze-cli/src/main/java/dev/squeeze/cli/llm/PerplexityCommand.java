package dev.squeeze.cli.llm;

import dev.squeeze.cli.InputOptions;
import dev.squeeze.cli.JsonStrings;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Perplexity;
import dev.squeeze.llm.runtime.SessionOptions;
import dev.squeeze.llm.tokenizer.Tokenizer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code squeeze perplexity}: teacher-forced perplexity of a text file, optionally under a KV press. */
@Command(
        name = "perplexity",
        mixinStandardHelpOptions = true,
        description = "Teacher-forced perplexity of a text file: paragraphs (separated by blank lines) are scored "
                + "separately, each as BOS + its tokens, cut into windows of --context tokens (or, with --stream, the "
                + "whole file as one stream).")
final class PerplexityCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = "--text", required = true, description = "UTF-8 text file.")
    Path text;

    @Option(
            names = "--context",
            defaultValue = "0",
            description = "Window length in tokens (default: the model's seq_len).")
    int context;

    @Option(
            names = "--press",
            defaultValue = "none",
            description = "KV press spec name[:key=value,...] (default none). Presses run at every decode step.")
    String press;

    @Option(
            names = "--prefill",
            description = "Prefill each window at once (presses run after each layer) instead of token by token.")
    boolean prefill;

    @Option(
            names = "--prefix",
            defaultValue = "0",
            description =
                    "Prefill the first N tokens of each window at once (presses compress after each layer), then step; score only the rest.")
    int prefix;

    @Option(
            names = "--stream",
            description = "Score the whole file as one token stream (BOS first) instead of paragraph by paragraph.")
    boolean stream;

    @Option(
            names = "--limit",
            defaultValue = "0",
            description = "With --stream: only the first N tokens of the stream (0 = all).")
    int limit;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @CommandLine.Mixin
    InputOptions inputOptions = new InputOptions();

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(text))
            throw new IllegalArgumentException("--text " + text + " is not a readable file");
        String all = inputOptions.readText(text);
        try (LlamaModel m = modelOptions.load()) {
            int ctx = context == 0 ? m.config().seqLen() : context;
            if (ctx < 2 || ctx > m.config().seqLen()) {
                throw new IllegalArgumentException(
                        "--context must be in [2, " + m.config().seqLen() + "] (the model's seq_len), got " + context);
            }
            SessionOptions opts = ModelOptions.withPress(m, press);
            if (limit < 0) throw new IllegalArgumentException("--limit must be >= 0, got " + limit);
            if (limit > 0 && !stream) throw new IllegalArgumentException("--limit needs --stream");
            List<int[]> seqs;
            if (stream) {
                int[] ids = m.tokenizer().encode(all, true);
                if (limit > ids.length) {
                    throw new IllegalArgumentException(
                            "--limit " + limit + " exceeds the " + ids.length + " tokens of " + text);
                }
                seqs = List.of(limit > 0 ? java.util.Arrays.copyOf(ids, limit) : ids);
            } else {
                seqs = paragraphs(m.tokenizer(), all);
            }
            if (seqs.isEmpty()) throw new IllegalArgumentException("--text " + text + " holds no text");
            if (prefix < 0) throw new IllegalArgumentException("--prefix must be >= 0, got " + prefix);
            if (prefix > 0 && prefill) throw new IllegalArgumentException("--prefix and --prefill exclude each other");
            Perplexity.Result r = prefix > 0
                    ? Perplexity.evaluateContinuation(m, seqs, ctx, prefix, opts)
                    : Perplexity.evaluate(m, seqs, ctx, opts, prefill);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.printf(
                        Locale.ROOT,
                        "{\"natsPerToken\": %.6f, \"perplexity\": %.6f, \"tokens\": %d, \"peakKvBytes\": %d, "
                                + "\"press\": \"%s\", \"context\": %d}%n",
                        r.natsPerToken(),
                        r.perplexity(),
                        r.tokens(),
                        r.peakKvBytes(),
                        JsonStrings.escape(press),
                        ctx);
            } else {
                out.printf(
                        Locale.ROOT,
                        "nats/token   %.4f%nperplexity   %.4f%ntokens       %d%npeak KV      %d bytes%n",
                        r.natsPerToken(),
                        r.perplexity(),
                        r.tokens(),
                        r.peakKvBytes());
            }
            out.flush();
        }
        return 0;
    }

    static List<int[]> paragraphs(Tokenizer tok, String all) {
        List<int[]> out = new ArrayList<>();
        for (String p : all.split("\\r?\\n\\s*\\r?\\n")) {
            String s = p.strip();
            if (!s.isEmpty()) out.add(tok.encode(s, true));
        }
        return out;
    }
}
