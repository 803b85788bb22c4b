/** Types in this package are non-null unless marked {@code @Nullable} (JSpecify). */
@NullMarked
package dev.squeeze.vision.model;

import org.jspecify.annotations.NullMarked;
