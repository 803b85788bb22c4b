package dev.squeeze.beam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import org.apache.beam.sdk.transforms.DoFn;
import org.jspecify.annotations.Nullable;

/** Renders each element as one line of JSON (a mapper per DoFn instance). */
public final class JsonLines<T> extends DoFn<T, String> {
    /** An element's JSON object. */
    @FunctionalInterface
    public interface Renderer<T> extends Serializable {
        ObjectNode render(T element, ObjectMapper json);
    }

    private final Renderer<T> renderer;
    private transient @Nullable ObjectMapper json;

    public JsonLines(Renderer<T> renderer) {
        this.renderer = renderer;
    }

    @Setup
    public void setup() {
        json = new ObjectMapper();
    }

    @ProcessElement
    public void process(@Element T element, OutputReceiver<String> out) throws JsonProcessingException {
        ObjectMapper m = json;
        if (m == null) throw new IllegalStateException("@Setup did not run before @ProcessElement");
        out.output(m.writeValueAsString(renderer.render(element, m)));
    }
}
