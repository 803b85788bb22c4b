package dev.squeeze.cli.llm;

import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Generator;
import dev.squeeze.llm.runtime.Sampler;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code squeeze generate}: streams a continuation of a prompt. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description =
                "Generate text with a Llama-family model (llama2.c .bin, GGUF, or Hugging Face safetensors), streaming tokens.")
final class GenerateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = "--prompt", defaultValue = "", description = "Prompt text (default: empty, i.e. start from BOS).")
    String prompt;

    @Option(
            names = "--max-tokens",
            defaultValue = "256",
            description = "Most tokens to generate (default ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(
            names = "--temperature",
            defaultValue = "0",
            description = "0 = greedy (default); otherwise softmax sampling temperature.")
    float temperature;

    @Option(names = "--seed", defaultValue = "42", description = "Sampling seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--press",
            defaultValue = "none",
            description =
                    "KV press spec name[:key=value,...] applied after the prompt's prefill and at every step (default none).")
    String press;

    @Option(
            names = "--kv",
            description = "Continue from a stored KV cache (from 'squeeze kv save'); the prompt follows its text.")
    Path kv;

    @Override
    public Integer call() throws Exception {
        if (maxTokens <= 0) throw new IllegalArgumentException("--max-tokens must be > 0, got " + maxTokens);
        PrintWriter out = spec.commandLine().getOut();
        try (LlamaModel m = modelOptions.load()) {
            out.print(prompt); // the continuation follows the prompt, as llama2.c prints it
            out.flush();
            java.util.function.Consumer<String> sink = piece -> {
                out.print(piece);
                out.flush();
            };
            Generator.Result r;
            long peakKv;
            if (kv == null) {
                dev.squeeze.llm.runtime.Session session = m.newSession(ModelOptions.withPress(m, press));
                r = Generator.generate(m, session, prompt, maxTokens, new Sampler(temperature, seed), sink);
                peakKv = session.peakKvBytes();
            } else {
                if (!"none".equals(press)) {
                    throw new IllegalArgumentException(
                            "--press " + press + " cannot be combined with --kv: a stored cache is restored as saved");
                }
                r = dev.squeeze.cachegen.KvContinuation.generate(
                        m, kv, prompt, maxTokens, new Sampler(temperature, seed), sink);
                peakKv = -1;
            }
            out.println();
            out.flush();
            spec.commandLine()
                    .getErr()
                    .printf(
                            Locale.ROOT,
                            "%d prompt tokens in %.3f s, %d generated at %.1f tok/s, peak KV %d bytes%n",
                            r.promptTokens(),
                            r.prefillSeconds(),
                            r.tokens().length,
                            r.decodeTokensPerSecond(),
                            peakKv);
            if (r.stoppedAtContext()) {
                spec.commandLine()
                        .getErr()
                        .println("stopped at the model's context limit of "
                                + m.config().seqLen() + " tokens (" + r.tokens().length + " of --max-tokens "
                                + maxTokens + " generated)");
            }
        }
        return 0;
    }
}
