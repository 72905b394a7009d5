package io.pveha.validate;

/** How bad a problem is. Only errors make a manifest set invalid (exit code 1, Ready=False). */
public enum Severity {
    ERROR,
    /** Probably wrong, but possibly fine outside the input, e.g. a Secret kept out of Git. */
    WARNING,
    /** Information: a document that was skipped, checks that could not run. */
    NOTE;

    /** The word printed in output lines: error, warning or note. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
