/** Types in this package are non-null unless marked {@code @Nullable} (JSpecify). */
@NullMarked
package dev.squeeze.encoder.distill;

import org.jspecify.annotations.NullMarked;
