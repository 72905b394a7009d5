package io.pveha.validate;

import java.util.List;

/**
 * The outcome of validating a set of documents.
 *
 * @param problems every finding, ordered by input document, then line (notes last)
 * @param documents how many non-empty documents were read
 */
public record ValidationReport(List<Problem> problems, int documents) {
    public long errors() {
        return count(Severity.ERROR);
    }

    public long warnings() {
        return count(Severity.WARNING);
    }

    public long notes() {
        return count(Severity.NOTE);
    }

    public boolean hasErrors() {
        return errors() > 0;
    }

    private long count(Severity severity) {
        return problems.stream().filter(p -> p.severity() == severity).count();
    }
}
