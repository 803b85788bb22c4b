/** Types in this package are non-null unless marked {@code @Nullable} (JSpecify). */
@NullMarked
package dev.squeeze.encoder.tokenizer;

import org.jspecify.annotations.NullMarked;
