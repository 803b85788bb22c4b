package dev.squeeze.kv.api;

/** When a {@link KvHook} is called. */
public enum Phase {
    /** After a layer processed a whole chunk of prompt tokens. */
    PREFILL,
    /** After a layer processed one decode token. */
    DECODE
}
