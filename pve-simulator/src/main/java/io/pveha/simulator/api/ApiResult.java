package io.pveha.simulator.api;

/**
 * A successful answer: the {@code data} value and, where the handler sets it, the envelope's {@code
 * total} (PVE leaves {@code total} out when it is 0).
 */
public record ApiResult(Object data, long total) {

    public static ApiResult of(Object data) {
        return new ApiResult(data, 0);
    }

    public static ApiResult withTotal(Object data, long total) {
        return new ApiResult(data, total);
    }

    public static ApiResult empty() {
        return new ApiResult(null, 0);
    }

    /** {@code data} already rendered as JSON (for memoized answers). */
    public static ApiResult rawJson(byte[] json) {
        return new ApiResult(new RawJson(json), 0);
    }

    /** JSON text to be placed as is. */
    public record RawJson(byte[] json) {}
}
