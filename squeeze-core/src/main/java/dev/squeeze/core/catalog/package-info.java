/** Types in this package are non-null unless marked {@code @Nullable} (JSpecify). */
@NullMarked
package dev.squeeze.core.catalog;

import org.jspecify.annotations.NullMarked;
