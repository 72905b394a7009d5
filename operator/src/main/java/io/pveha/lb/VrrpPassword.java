package io.pveha.lb;

import java.util.Objects;

/**
 * The VRRP PASS password read from a Secret; prints as stars so it never reaches a log by accident.
 */
public record VrrpPassword(String value) {
    public VrrpPassword {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return "VrrpPassword[***]";
    }
}
