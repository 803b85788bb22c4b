package dev.squeeze.cli.llm;

import dev.squeeze.cli.SubcommandProvider;
import java.util.List;

/** Registers {@code squeeze generate} and {@code squeeze perplexity}. */
public final class LlmCommands implements SubcommandProvider {
    @Override
    public List<Object> subcommands() {
        return List.of(new GenerateCommand(), new PerplexityCommand());
    }
}
