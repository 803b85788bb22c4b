package dev.squeeze.cli.llm;

import dev.squeeze.llm.format.ModelLoader;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Generator;
import dev.squeeze.llm.runtime.Sampler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code squeeze generate}: streams a continuation of a prompt. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text with a Llama-family model (llama2.c .bin, GGUF, or Hugging Face safetensors), streaming tokens.")
public final class GenerateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model file (llama2.c .bin, .gguf) or Hugging Face folder.")
    Path model;

    @Option(names = "--tokenizer", description = "Tokenizer file (llama2.c tokenizer.bin); GGUF and HF models carry their own.")
    Path tokenizer;

    @Option(names = "--prompt", defaultValue = "", description = "Prompt text (default: empty, i.e. start from BOS).")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "256", description = "Most tokens to generate (default ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default); otherwise softmax sampling temperature.")
    float temperature;

    @Option(names = "--seed", defaultValue = "42", description = "Sampling seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "0", description = "Worker threads for matrix products (default: the machine's cores).")
    int threads;

    @Override
    public Integer call() throws Exception {
        if (maxTokens <= 0) throw new IllegalArgumentException("--max-tokens must be > 0, got " + maxTokens);
        if (threads < 0) throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
        PrintWriter out = spec.commandLine().getOut();
        try (LlamaModel m = ModelLoader.load(model, tokenizer, threads == 0 ? LlamaModel.defaultThreads() : threads)) {
            out.print(prompt); // the continuation follows the prompt, as llama2.c prints it
            out.flush();
            Generator.Result r = Generator.generate(m, m.newSession(), prompt, maxTokens, new Sampler(temperature, seed), piece -> {
                out.print(piece);
                out.flush();
            });
            out.println();
            out.flush();
            spec.commandLine().getErr().printf(Locale.ROOT, "%d prompt tokens in %.3f s, %d generated at %.1f tok/s%n",
                    r.promptTokens(), r.prefillSeconds(), r.tokens().length, r.decodeTokensPerSecond());
            if (r.stoppedAtContext()) {
                spec.commandLine().getErr().println("stopped at the model's context limit of " + m.config().seqLen()
                        + " tokens (" + r.tokens().length + " of --max-tokens " + maxTokens + " generated)");
            }
        }
        return 0;
    }
}
