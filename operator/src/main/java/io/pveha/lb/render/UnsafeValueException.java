package io.pveha.lb.render;

/**
 * A value that must not reach a keepalived or haproxy configuration, a script or a shell. The
 * message names the field and the rule; it repeats the value only when the value is not secret, and
 * then with control characters made visible, so a hostile value cannot forge log lines either.
 */
public class UnsafeValueException extends IllegalArgumentException {
    private final String field;

    public UnsafeValueException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
