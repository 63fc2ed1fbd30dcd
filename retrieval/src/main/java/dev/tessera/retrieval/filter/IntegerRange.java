package dev.tessera.retrieval.filter;

/**
 * The integers a range test on an integer key admits, as inclusive {@code long} bounds: an integer
 * operand bounds directly, a number operand by the integers above or below it ({@code gt 2.5} is
 * {@code gte 3}). Every backend translates integer ranges through this, so they agree at the edges.
 *
 * @param lower inclusive
 * @param upper inclusive
 */
public record IntegerRange(long lower, long upper) {

    /** @return the range, or null when no integer passes (above {@link Long#MAX_VALUE}, say) */
    public static IntegerRange of(Filter.Op op, Object operand) {
        long lower = Long.MIN_VALUE;
        long upper = Long.MAX_VALUE;
        if (operand instanceof Long l) {
            switch (op) {
                case GT -> { if (l == Long.MAX_VALUE) return null; lower = l + 1; }
                case GTE -> lower = l;
                case LT -> { if (l == Long.MIN_VALUE) return null; upper = l - 1; }
                case LTE -> upper = l;
                default -> throw new IllegalArgumentException("not a range: " + op);
            }
            return new IntegerRange(lower, upper);
        }
        double d = ((Number) operand).doubleValue();
        boolean lowerBound = op == Filter.Op.GT || op == Filter.Op.GTE;
        double bound = switch (op) {
            case GT -> Math.floor(d) + 1;
            case GTE -> Math.ceil(d);
            case LT -> Math.ceil(d) - 1;
            case LTE -> Math.floor(d);
            default -> throw new IllegalArgumentException("not a range: " + op);
        };
        if (bound >= 0x1p63) { // above every long: nothing is above it, every value is below
            return lowerBound ? null : new IntegerRange(lower, upper);
        }
        if (bound < -0x1p63) {
            return lowerBound ? new IntegerRange(lower, upper) : null;
        }
        return lowerBound ? new IntegerRange((long) bound, upper) : new IntegerRange(lower, (long) bound);
    }

    /** Whether an {@code eq}/{@code in} operand can equal an integer at all (2.0 can, 2.5 cannot). */
    public static boolean integral(Object v) {
        return v instanceof Long || (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p63);
    }
}
