package dev.tessera.tokenizers.weights;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle reader that builds plain data — dicts, lists, tuples (unmodifiable lists), strings, numbers,
 * bytes — and calls nothing. The only globals it accepts are the ones its {@link Globals} allow, and
 * "calling" one (REDUCE) is answered by that policy with data; every other global, and every opcode
 * that would construct an arbitrary object (NEWOBJ, INST, OBJ, extension codes), is refused with
 * {@link UnsafePickleException}. This is the same policy as {@code torch.load(weights_only=True)}.
 */
final class RestrictedUnpickler {

    /** A global the policy allowed (module and name as written in the pickle). */
    record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** What the policy allows: which globals exist, what calling one yields, what a persistent id means. */
    interface Globals {
        boolean allowed(String module, String name);

        Object call(Global callable, List<Object> args) throws UnsafePickleException;

        Object persistent(Object pid) throws UnsafePickleException;
    }

    /** A pickle that is malformed or asks for something the policy refuses. */
    static final class UnsafePickleException extends Exception {
        UnsafePickleException(String message) {
            super(message);
        }
    }

    private static final Object MARK = new Object();

    private final ByteBuffer in;
    private final Globals globals;
    private final Map<Long, Object> memo = new HashMap<>();
    private List<Object> stack = new ArrayList<>();
    private final Deque<List<Object>> marks = new ArrayDeque<>();

    private RestrictedUnpickler(byte[] pickle, Globals globals) {
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
        this.globals = globals;
    }

    static Object load(byte[] pickle, Globals globals) throws UnsafePickleException {
        try {
            return new RestrictedUnpickler(pickle, globals).run();
        } catch (java.nio.BufferUnderflowException e) {
            throw new UnsafePickleException("the pickle ends early (truncated)");
        } catch (ClassCastException | IndexOutOfBoundsException | UnsupportedOperationException
                 | IllegalArgumentException | ArithmeticException e) {
            throw new UnsafePickleException("malformed pickle: " + e.getMessage());
        }
    }

    private Object run() throws UnsafePickleException {
        while (true) {
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int protocol = in.get() & 0xff;
                    if (protocol > 5) {
                        throw new UnsafePickleException("pickle protocol " + protocol + " is not supported");
                    }
                }
                case 0x95 -> in.getLong(); // FRAME: a length hint only
                case '.' -> { // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) {
                        throw new UnsafePickleException("malformed pickle: " + stack.size() + " values left at STOP");
                    }
                    return stack.get(0);
                }
                case '(' -> { // MARK
                    marks.push(stack);
                    stack = new ArrayList<>();
                }
                case '0' -> pop(); // POP
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(peek()); // DUP
                case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
                case ']' -> push(new ArrayList<>()); // EMPTY_LIST
                case ')' -> push(List.of()); // EMPTY_TUPLE
                case 't' -> push(Collections.unmodifiableList(popMark())); // TUPLE
                case 0x85 -> push(tuple(1)); // TUPLE1
                case 0x86 -> push(tuple(2)); // TUPLE2
                case 0x87 -> push(tuple(3)); // TUPLE3
                case 'l' -> push(new ArrayList<>(popMark())); // LIST
                case 'd' -> push(dict(popMark(), new LinkedHashMap<>())); // DICT
                case 'a' -> { // APPEND
                    Object value = pop();
                    list(peek()).add(value);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popMark();
                    list(peek()).addAll(items);
                }
                case 's' -> { // SETITEM
                    Object value = pop();
                    Object key = pop();
                    map(peek()).put(key, value);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark();
                    dict(items, map(peek()));
                }
                case 0x8f -> push(new LinkedHashSet<>()); // EMPTY_SET
                case 0x90 -> { // ADDITEMS
                    List<Object> items = popMark();
                    set(peek()).addAll(items);
                }
                case 0x91 -> push(Collections.unmodifiableSet(new LinkedHashSet<>(popMark()))); // FROZENSET
                case 'J' -> push((long) in.getInt()); // BININT
                case 'K' -> push((long) (in.get() & 0xff)); // BININT1
                case 'M' -> push((long) (in.getShort() & 0xffff)); // BININT2
                case 0x8a -> push(longOf(bytes(in.get() & 0xff))); // LONG1
                case 0x8b -> push(longOf(bytes(length(in.getInt())))); // LONG4
                case 'I' -> push(textInt(line())); // INT (protocol 0)
                case 'L' -> push(textInt(line().replaceFirst("L$", ""))); // LONG (protocol 0)
                case 'F' -> push(Double.parseDouble(line())); // FLOAT (protocol 0)
                case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // BINFLOAT (big-endian)
                case 'N' -> push(null); // NONE
                case 0x88 -> push(Boolean.TRUE); // NEWTRUE
                case 0x89 -> push(Boolean.FALSE); // NEWFALSE
                case 'X' -> push(utf8(length(in.getInt()))); // BINUNICODE
                case 0x8c -> push(utf8(in.get() & 0xff)); // SHORT_BINUNICODE
                case 0x8d -> push(utf8(length(in.getLong()))); // BINUNICODE8
                case 'T' -> push(latin1(length(in.getInt()))); // BINSTRING (Python 2 str)
                case 'U' -> push(latin1(in.get() & 0xff)); // SHORT_BINSTRING
                case 'B' -> push(bytes(length(in.getInt()))); // BINBYTES
                case 'C' -> push(bytes(in.get() & 0xff)); // SHORT_BINBYTES
                case 0x8e -> push(bytes(length(in.getLong()))); // BINBYTES8
                case 'c' -> push(global(line(), line())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw new UnsafePickleException("malformed pickle: STACK_GLOBAL needs two strings");
                    }
                    push(global(m, n));
                }
                case 'R' -> { // REDUCE
                    Object args = pop();
                    Object callable = pop();
                    if (!(callable instanceof Global g)) {
                        throw new UnsafePickleException("malformed pickle: REDUCE on " + describe(callable));
                    }
                    push(globals.call(g, list(args)));
                }
                case 'b' -> { // BUILD: state for an object; only a dict's attributes (state_dict's _metadata) occur
                    Object state = pop();
                    Object target = peek();
                    if (!(target instanceof Map<?, ?>) || !(state instanceof Map<?, ?> || state == null)) {
                        throw new UnsafePickleException("refuses to set the state of " + describe(target));
                    }
                }
                case 'Q' -> push(globals.persistent(pop())); // BINPERSID
                case 'P' -> push(globals.persistent(line())); // PERSID
                case 'q' -> memo.put((long) (in.get() & 0xff), peek()); // BINPUT
                case 'r' -> memo.put(Integer.toUnsignedLong(in.getInt()), peek()); // LONG_BINPUT
                case 'p' -> memo.put(Long.parseLong(line()), peek()); // PUT
                case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
                case 'h' -> push(memo((long) (in.get() & 0xff))); // BINGET
                case 'j' -> push(memo(Integer.toUnsignedLong(in.getInt()))); // LONG_BINGET
                case 'g' -> push(memo(Long.parseLong(line()))); // GET
                case 0x81, 0x92, 'i', 'o' -> throw new UnsafePickleException(
                        "refuses to construct an object (pickle opcode " + opName(op) + "): a weights file holds only tensors");
                case 0x82, 0x83, 0x84 -> throw new UnsafePickleException("refuses pickle extension codes");
                default -> throw new UnsafePickleException(String.format(
                        "unsupported pickle opcode 0x%02x at byte %d", op, in.position() - 1));
            }
        }
    }

    private Global global(String module, String name) throws UnsafePickleException {
        if (!globals.allowed(module, name)) {
            throw new UnsafePickleException("refuses the global " + module + "." + name
                    + ": a weights file may only name tensor-rebuilding functions and storage types "
                    + "(as torch.load(weights_only=True) allows)");
        }
        return new Global(module, name);
    }

    private static String opName(int op) {
        return switch (op) {
            case 0x81 -> "NEWOBJ";
            case 0x92 -> "NEWOBJ_EX";
            case 'i' -> "INST";
            default -> "OBJ";
        };
    }

    private void push(Object value) {
        stack.add(value);
    }

    private Object pop() throws UnsafePickleException {
        if (stack.isEmpty()) {
            throw new UnsafePickleException("malformed pickle: stack underflow at byte " + in.position());
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws UnsafePickleException {
        if (stack.isEmpty()) {
            throw new UnsafePickleException("malformed pickle: empty stack at byte " + in.position());
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() throws UnsafePickleException {
        if (marks.isEmpty()) {
            throw new UnsafePickleException("malformed pickle: no MARK at byte " + in.position());
        }
        List<Object> items = stack;
        stack = marks.pop();
        return items;
    }

    private List<Object> tuple(int n) throws UnsafePickleException {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            items[i] = pop();
        }
        return Collections.unmodifiableList(java.util.Arrays.asList(items));
    }

    private Object memo(long key) throws UnsafePickleException {
        if (!memo.containsKey(key)) {
            throw new UnsafePickleException("malformed pickle: memo " + key + " was never stored");
        }
        return memo.get(key);
    }

    private static Map<Object, Object> dict(List<Object> items, Map<Object, Object> into) throws UnsafePickleException {
        if (items.size() % 2 != 0) {
            throw new UnsafePickleException("malformed pickle: odd number of dict items");
        }
        for (int i = 0; i < items.size(); i += 2) {
            Object key = items.get(i);
            if (key instanceof Map<?, ?> || key instanceof List<?>) {
                throw new UnsafePickleException("malformed pickle: unhashable dict key");
            }
            into.put(key, items.get(i + 1));
        }
        return into;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) throws UnsafePickleException {
        if (value instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new UnsafePickleException("malformed pickle: expected a list or tuple, found " + describe(value));
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> map(Object value) throws UnsafePickleException {
        if (value instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw new UnsafePickleException("malformed pickle: expected a dict, found " + describe(value));
    }

    @SuppressWarnings("unchecked")
    private static Set<Object> set(Object value) throws UnsafePickleException {
        if (value instanceof Set<?> s) {
            return (Set<Object>) s;
        }
        throw new UnsafePickleException("malformed pickle: expected a set, found " + describe(value));
    }

    static String describe(Object value) {
        return value == null ? "None" : value instanceof Global g ? g.toString() : value.getClass().getSimpleName();
    }

    private int length(long n) throws UnsafePickleException {
        if (n < 0 || n > in.remaining()) {
            throw new UnsafePickleException("the pickle ends early (truncated): a value of " + n
                    + " bytes with " + in.remaining() + " left");
        }
        return (int) n;
    }

    private byte[] bytes(int n) throws UnsafePickleException {
        byte[] out = new byte[length(n)];
        in.get(out);
        return out;
    }

    private String utf8(int n) throws UnsafePickleException {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private String latin1(int n) throws UnsafePickleException {
        return new String(bytes(n), StandardCharsets.ISO_8859_1);
    }

    private String line() throws UnsafePickleException {
        int start = in.position();
        while (in.get() != '\n') {
            if (in.position() - start > 4096) {
                throw new UnsafePickleException("malformed pickle: a text argument longer than 4096 bytes");
            }
        }
        byte[] text = new byte[in.position() - start - 1];
        in.get(start, text);
        return new String(text, StandardCharsets.UTF_8);
    }

    private static Object textInt(String text) {
        return switch (text) {
            case "00" -> Boolean.FALSE;
            case "01" -> Boolean.TRUE;
            default -> Long.parseLong(text);
        };
    }

    /** A little-endian two's-complement integer (LONG1/LONG4); beyond 64 bits is refused. */
    private static Long longOf(byte[] le) throws UnsafePickleException {
        if (le.length == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        BigInteger value = new BigInteger(be);
        if (value.bitLength() > 63) {
            throw new UnsafePickleException("an integer of " + value.bitLength() + " bits does not fit 64");
        }
        return value.longValue();
    }
}
