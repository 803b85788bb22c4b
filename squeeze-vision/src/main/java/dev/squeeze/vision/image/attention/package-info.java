/** Types in this package are non-null unless marked {@code @Nullable} (JSpecify). */
@NullMarked
package dev.squeeze.vision.image.attention;

import org.jspecify.annotations.NullMarked;
