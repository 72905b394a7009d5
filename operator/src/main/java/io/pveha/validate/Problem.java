package io.pveha.validate;

/**
 * One finding about one document.
 *
 * @param severity error, warning or note
 * @param document the document it is about
 * @param line 1-based line of the field in the source (or of its nearest present parent); 0 when
 *     unknown
 * @param field the field path, e.g. {@code spec.disks[0].slot}; empty for the document as a whole
 * @param message the kube-style text after the field, e.g. {@code Required value}
 */
public record Problem(
        Severity severity, DocumentRef document, int line, String field, String message) {

    public static Problem of(Severity severity, DocumentRef document, int line, FieldError error) {
        return new Problem(
                severity, document, line, error.field() == null ? "" : error.field(), error.body());
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /**
     * {@code field: message}, the form kube-apiserver uses; what a Ready=False condition message
     * shows.
     */
    public String fieldMessage() {
        return field.isEmpty() ? message : field + ": " + message;
    }
}
