package dev.squeeze.vision;

import dev.squeeze.core.catalog.MethodInfo;
import java.util.Optional;

/**
 * The one declaration of a vision method (image, ViT, video or audio family): its name and catalog entry, found
 * through {@code META-INF/services/dev.squeeze.vision.VisionMethod}. An image method's class is also its
 * reduction ({@link VisualReducer}, {@link StagedReducer} or {@link AnyResReducer}), so adding one is one class,
 * one services line and its notes ({@code META-INF/squeeze/methods/<name>.txt}); video and audio methods, which take
 * clips and scores rather than one image's tokens, declare their entry in a small class beside the implementation.
 * Providers need a public no-argument constructor (the method's defaults).
 */
public interface VisionMethod {

    String name();

    /** The catalog entry; empty for a baseline that is not in the catalog (the AnyRes random draw). */
    Optional<MethodInfo> info();
}
