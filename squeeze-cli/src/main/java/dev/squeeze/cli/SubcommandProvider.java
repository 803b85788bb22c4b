package dev.squeeze.cli;

import java.util.List;

/**
 * How modules add subcommands to {@code squeeze} without editing {@link Main}: each provider returns
 * picocli {@code @Command}-annotated objects. List providers in
 * {@code META-INF/services/dev.squeeze.cli.SubcommandProvider}.
 */
public interface SubcommandProvider {
    List<Object> subcommands();
}
