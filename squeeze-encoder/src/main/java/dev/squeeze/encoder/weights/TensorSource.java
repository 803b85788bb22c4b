package dev.squeeze.encoder.weights;

import java.io.IOException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Named float tensors (a safetensors file, or an ONNX graph's initializers under Hugging Face names). */
public interface TensorSource {
    /** Names of every tensor. */
    Set<String> names();

    /** Shape of a tensor, or null when absent. */
    long @Nullable [] shape(String name);

    /** The elements of a tensor, row-major (its shape already checked by the caller). */
    float[] read(String name) throws IOException;

    /** Where the tensors come from, for error messages (a file path). */
    String describe();
}
