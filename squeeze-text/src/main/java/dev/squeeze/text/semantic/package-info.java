/** Types in this package are non-null unless marked {@code @Nullable} (JSpecify). */
@NullMarked
package dev.squeeze.text.semantic;

import org.jspecify.annotations.NullMarked;
