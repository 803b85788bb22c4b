package dev.squeeze.cli.encoder;

import dev.squeeze.cli.SubcommandProvider;
import java.util.List;

/** Adds {@code squeeze distill}. */
public final class EncoderSubcommands implements SubcommandProvider {
    @Override
    public List<Object> subcommands() {
        return List.of(new DistillCommand());
    }
}
