/** {@code squeeze batch}: the Apache Beam jobs of squeeze-beam and squeeze-beam-kv. */
@NullMarked
package dev.squeeze.cli.batch;

import org.jspecify.annotations.NullMarked;
