package dev.squeeze.llm.runtime;

import dev.squeeze.kv.api.HeadKvStore;
import dev.squeeze.kv.api.KvHook;
import java.util.ArrayList;
import java.util.List;

/**
 * How a session runs.
 *
 * @param cacheCapacity entries each KV store can hold (0 = the model's seq_len)
 * @param storeFactory  makes the per-(layer, KV head) stores
 * @param hooks         presses, called in order
 * @param observers     called after each step
 */
public record SessionOptions(
        int cacheCapacity, HeadKvStore.Factory storeFactory, List<KvHook> hooks, List<StepObserver> observers) {
    public SessionOptions {
        if (cacheCapacity < 0) throw new IllegalArgumentException("cacheCapacity must be >= 0, got " + cacheCapacity);
        if (storeFactory == null) throw new IllegalArgumentException("storeFactory must not be null");
        hooks = List.copyOf(hooks);
        KvHook.checkOrder(hooks);
        observers = List.copyOf(observers);
    }

    public static SessionOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int capacity;
        private HeadKvStore.Factory factory = HeadKvStore.Factory.dense();
        private final List<KvHook> hooks = new ArrayList<>();
        private final List<StepObserver> observers = new ArrayList<>();

        public Builder cacheCapacity(int c) {
            this.capacity = c;
            return this;
        }

        public Builder storeFactory(HeadKvStore.Factory f) {
            this.factory = f;
            return this;
        }

        /** Adds a press; {@link KvHook#NONE} (the full cache) adds nothing. */
        public Builder hook(KvHook h) {
            if (h == null) throw new IllegalArgumentException("hook must not be null");
            if (h != KvHook.NONE) hooks.add(h);
            return this;
        }

        public Builder observer(StepObserver o) {
            if (o == null) throw new IllegalArgumentException("observer must not be null");
            observers.add(o);
            return this;
        }

        public SessionOptions build() {
            return new SessionOptions(capacity, factory, hooks, observers);
        }
    }
}
