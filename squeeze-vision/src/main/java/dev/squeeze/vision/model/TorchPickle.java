package dev.squeeze.vision.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal, safe reader for the {@code data.pkl} of a PyTorch zip checkpoint ({@code torch.save} of a
 * state dict, pickle protocol 2). It understands only the opcodes torch's saver emits for a state dict and
 * only three globals: {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2} and
 * {@code torch.FloatStorage}. Nothing is ever imported or executed: every other global or opcode is refused
 * with an {@link IllegalArgumentException} naming the source, the byte offset and what was found. Containers nest
 * at most {@value #MAX_DEPTH} levels, dict keys are strings or ints, and nothing read is ever walked recursively
 * (messages describe a container by its kind and size), so deep or self-referencing pickles cannot overflow the stack.
 */
final class TorchPickle {

    /** A persistent reference to a storage file {@code data/<key>} holding {@code numel} float32 values. */
    record StorageRef(String key, int numel) {}

    /** A tensor view on a storage: {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)}. */
    record TensorRef(StorageRef storage, int offset, int[] shape, int[] stride) {}

    private record Global(String module, String name) {}

    private static final Object MARK = new Object();
    /** Deepest nesting of tuples and dicts accepted: a state dict needs 4 (dict, tensor arguments, size tuple). */
    static final int MAX_DEPTH = 32;

    private final String source;
    private final ByteBuffer in;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();
    private final Map<Object, Integer> depth = new IdentityHashMap<>(); // nesting depth of each tuple and dict

    private TorchPickle(String source, byte[] bytes) {
        this.source = source;
        this.in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Parses a state-dict pickle into name -> tensor reference, in file order. */
    static Map<String, TensorRef> readStateDict(String source, byte[] bytes) {
        Object top = new TorchPickle(source, bytes).run();
        if (!(top instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(
                    source + ": expected a state dict (an OrderedDict of tensors) at the top of data.pkl, got "
                            + describe(top));
        }
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String k)) {
                throw new IllegalArgumentException(
                        source + ": state dict key " + describe(e.getKey()) + " is not a string");
            }
            if (!(e.getValue() instanceof TensorRef t)) {
                throw new IllegalArgumentException(
                        source + ": state dict entry '" + k + "' is " + describe(e.getValue()) + ", expected a tensor");
            }
            out.put(k, t);
        }
        return out;
    }

    private Object run() {
        while (true) {
            if (!in.hasRemaining())
                throw error(in.position(), "truncated pickle: no STOP opcode before the end of data.pkl");
            int at = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int v = u8(at);
                    if (v < 2 || v > 5) throw error(at, "unsupported pickle protocol " + v);
                }
                case 0x2e -> { // STOP
                    if (stack.size() != 1)
                        throw error(at, "STOP with " + stack.size() + " values on the stack, expected 1");
                    return stack.get(0);
                }
                case 0x63 -> { // GLOBAL "module\nname\n"
                    String module = line(at);
                    String name = line(at);
                    push(resolveGlobal(at, module, name));
                }
                case 0x71 -> memo.put(u8(at), peek(at)); // BINPUT
                case 0x72 -> memo.put(i32(at), peek(at)); // LONG_BINPUT
                case 0x68 -> push(memoGet(at, u8(at))); // BINGET
                case 0x6a -> push(memoGet(at, i32(at))); // LONG_BINGET
                case 0x28 -> push(MARK); // MARK
                case 0x29 -> push(tuple(at)); // EMPTY_TUPLE
                case 0x85 -> push(tuple(at, pop(at))); // TUPLE1 (None included: (None,) is a tuple)
                case 0x86 -> {
                    Object b = pop(at), a = pop(at);
                    push(tuple(at, a, b));
                } // TUPLE2
                case 0x87 -> {
                    Object c = pop(at), b = pop(at), a = pop(at);
                    push(tuple(at, a, b, c));
                } // TUPLE3
                case 0x74 -> push(tuple(at, popToMark(at).toArray())); // TUPLE
                case 0x7d -> push(nested(at, new LinkedHashMap<Object, Object>(), 1)); // EMPTY_DICT
                case 0x73 -> {
                    Object v = pop(at), k = pop(at);
                    put(at, peek(at), k, v);
                } // SETITEM
                case 0x75 -> { // SETITEMS
                    List<Object> kv = popToMark(at);
                    if (kv.size() % 2 != 0) throw error(at, "SETITEMS with an odd number of items");
                    Object d = peek(at);
                    for (int i = 0; i < kv.size(); i += 2) put(at, d, kv.get(i), kv.get(i + 1));
                }
                case 0x58 -> push(string(at, i32(at))); // BINUNICODE
                case 0x8c -> push(string(at, u8(at))); // SHORT_BINUNICODE
                case 0x4b -> push(u8(at)); // BININT1
                case 0x4d -> push(u16(at)); // BININT2
                case 0x4a -> push(i32(at)); // BININT
                case 0x88 -> push(Boolean.TRUE); // NEWTRUE
                case 0x89 -> push(Boolean.FALSE); // NEWFALSE
                case 0x4e -> push(null); // NONE
                case 0x51 -> push(persistent(at, pop(at))); // BINPERSID
                case 0x52 -> {
                    Object args = pop(at), fn = pop(at);
                    push(reduce(at, fn, args));
                } // REDUCE
                case 0x62 -> { // BUILD: state on an OrderedDict (torch's _metadata); accepted and ignored
                    Object state = pop(at);
                    Object target = peek(at);
                    if (!(target instanceof Map<?, ?>) || !(state instanceof Map<?, ?>)) {
                        throw error(at, "BUILD is only accepted on a dict with dict state, got " + describe(target));
                    }
                }
                default ->
                    throw error(
                            at,
                            String.format(
                                    "unsupported pickle opcode 0x%02x (not one torch.save uses for a state dict)", op));
            }
        }
    }

    /** An immutable tuple that may hold None, one level deeper than its deepest item. */
    private List<Object> tuple(int at, Object... items) {
        int d = 0;
        for (Object o : items) d = Math.max(d, depthOf(o));
        return nested(at, java.util.Collections.unmodifiableList(java.util.Arrays.asList(items)), d + 1);
    }

    private <T> T nested(int at, T container, int d) {
        if (d > MAX_DEPTH) throw error(at, "containers nest more than " + MAX_DEPTH + " levels deep");
        depth.put(container, d);
        return container;
    }

    private int depthOf(Object o) {
        return o instanceof List<?> || o instanceof Map<?, ?> ? depth.getOrDefault(o, 1) : 0;
    }

    /** d[k] = v: keys are strings or ints (hashing a tuple would walk it), and the dict grows as deep as v makes it. */
    private void put(int at, Object d, Object k, Object v) {
        Map<Object, Object> m = dict(at, d);
        if (!(k instanceof String) && !(k instanceof Integer))
            throw error(at, "dict key is " + describe(k) + "; only strings and ints are keys");
        nested(at, m, Math.max(depthOf(m), depthOf(v) + 1));
        m.put(k, v);
    }

    private Object resolveGlobal(int at, String module, String name) {
        boolean allowed = (module.equals("collections") && name.equals("OrderedDict"))
                || (module.equals("torch._utils") && name.equals("_rebuild_tensor_v2"))
                || (module.equals("torch") && name.equals("FloatStorage"));
        if (!allowed) {
            throw error(
                    at,
                    "refusing global " + module + "." + name
                            + " (only collections.OrderedDict, torch._utils._rebuild_tensor_v2 and torch.FloatStorage are allowed)");
        }
        return new Global(module, name);
    }

    private Object persistent(int at, Object pid) {
        // ('storage', torch.FloatStorage, key, location, numel)
        if (!(pid instanceof List<?> t) || t.size() != 5 || !"storage".equals(t.get(0))) {
            throw error(
                    at, "persistent id " + describe(pid) + " is not a ('storage', type, key, location, numel) tuple");
        }
        if (!(t.get(1) instanceof Global g) || !g.name().equals("FloatStorage")) {
            throw error(
                    at,
                    "storage type " + describe(t.get(1))
                            + " is not torch.FloatStorage (only float32 checkpoints are read)");
        }
        if (!(t.get(2) instanceof String key) || !(t.get(4) instanceof Integer numel) || numel < 0) {
            throw error(at, "malformed storage reference " + describe(t));
        }
        return new StorageRef(key, numel);
    }

    private Object reduce(int at, Object fn, Object args) {
        if (!(fn instanceof Global g)) throw error(at, "REDUCE on a non-callable " + describe(fn));
        if (!(args instanceof List<?> a))
            throw error(at, "REDUCE arguments are " + describe(args) + ", expected a tuple");
        if (g.name().equals("OrderedDict")) {
            if (!a.isEmpty())
                throw error(
                        at, "OrderedDict called with arguments " + describe(a) + "; only OrderedDict() is accepted");
            return new LinkedHashMap<Object, Object>();
        }
        if (g.name().equals("_rebuild_tensor_v2")) {
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            if (a.size() < 6 || !(a.get(0) instanceof StorageRef s) || !(a.get(1) instanceof Integer off)) {
                throw error(at, "_rebuild_tensor_v2 called with " + a.size() + " malformed arguments");
            }
            return new TensorRef(s, off, ints(at, "size", a.get(2)), ints(at, "stride", a.get(3)));
        }
        throw error(at, "global " + g.module() + "." + g.name() + " cannot be called");
    }

    private int[] ints(int at, String what, Object o) {
        if (!(o instanceof List<?> l))
            throw error(at, "tensor " + what + " is " + describe(o) + ", expected a tuple of ints");
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Integer v) || v < 0)
                throw error(
                        at, "tensor " + what + "[" + i + "] = " + describe(l.get(i)) + " is not a non-negative int");
            out[i] = v;
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(int at, Object o) {
        if (!(o instanceof Map<?, ?> m)) throw error(at, "SETITEM(S) on " + describe(o) + ", expected a dict");
        return (Map<Object, Object>) m;
    }

    private List<Object> popToMark(int at) {
        int m = stack.size() - 1;
        while (m >= 0 && stack.get(m) != MARK) m--;
        if (m < 0) throw error(at, "no MARK on the stack");
        List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
        stack.subList(m, stack.size()).clear();
        return java.util.Collections.unmodifiableList(items);
    }

    private Object memoGet(int at, int key) {
        if (!memo.containsKey(key)) throw error(at, "memo key " + key + " was never stored");
        return memo.get(key);
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop(int at) {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) throw error(at, "stack underflow");
        return stack.remove(stack.size() - 1);
    }

    private Object peek(int at) {
        if (stack.isEmpty()) throw error(at, "stack underflow");
        return stack.get(stack.size() - 1);
    }

    private int u8(int at) {
        need(at, 1);
        return in.get() & 0xff;
    }

    private int u16(int at) {
        need(at, 2);
        return in.getShort() & 0xffff;
    }

    private int i32(int at) {
        need(at, 4);
        return in.getInt();
    }

    private String string(int at, int len) {
        if (len < 0) throw error(at, "negative string length " + len);
        need(at, len);
        byte[] b = new byte[len];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private String line(int at) {
        int start = in.position();
        while (in.hasRemaining() && in.get() != '\n') {
            if (in.position() - start > 256) throw error(at, "GLOBAL name longer than 256 bytes");
        }
        if (in.position() == start || in.get(in.position() - 1) != '\n') throw error(at, "truncated GLOBAL name");
        return new String(in.array(), start, in.position() - start - 1, StandardCharsets.US_ASCII);
    }

    private void need(int at, int n) {
        if (in.remaining() < n)
            throw error(at, "truncated pickle: opcode needs " + n + " more bytes, " + in.remaining() + " left");
    }

    private IllegalArgumentException error(int at, String what) {
        return new IllegalArgumentException(source + ": data.pkl at byte " + at + ": " + what);
    }

    /** What a value is, without walking into it (containers may be deep or refer to themselves). */
    private static String describe(Object o) {
        if (o == null) return "None";
        if (o instanceof List<?> l) return "a tuple of " + l.size() + " item(s)";
        if (o instanceof Map<?, ?> m) return "a dict of " + m.size() + " entr" + (m.size() == 1 ? "y" : "ies");
        if (o instanceof String s) return "'" + (s.length() > 64 ? s.substring(0, 64) + "..." : s) + "'";
        if (o instanceof TensorRef t) return "a tensor of shape " + java.util.Arrays.toString(t.shape());
        return o.getClass().getSimpleName() + " " + o;
    }
}
