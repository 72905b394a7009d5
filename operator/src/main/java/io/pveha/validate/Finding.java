package io.pveha.validate;

/** A field error with its severity, before it is tied to a document and a line. */
record Finding(Severity severity, FieldError error) {
    static Finding error(FieldError error) {
        return new Finding(Severity.ERROR, error);
    }

    static Finding warning(FieldError error) {
        return new Finding(Severity.WARNING, error);
    }

    static Finding note(FieldError error) {
        return new Finding(Severity.NOTE, error);
    }
}
