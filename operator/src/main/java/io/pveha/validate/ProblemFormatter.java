package io.pveha.validate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two output formats of {@code validate}. They are an interface: keep them stable.
 *
 * <p>Text, one line per problem: {@code FILE:LINE (#DOC KIND/NAMESPACE/NAME): SEVERITY: FIELD:
 * MESSAGE}, e.g. {@code examples/04-pos-api.yaml:31 (#1 HaVm/store-platform/pos-api-1): error:
 * spec.vmid: Invalid value: 50: spec.vmid in body should be greater than or equal to 100}. LINE is
 * where the field (or its nearest present parent) is written; DOC counts the non-empty YAML
 * documents of the file from 1; FIELD is left out (with its colon) for problems of the whole
 * document.
 *
 * <p>JSON: {@code {"documents": N, "errors": N, "warnings": N, "notes": N, "problems": [{"file",
 * "line", "document", "apiVersion", "kind", "namespace", "name", "severity", "field",
 * "message"}]}}.
 */
public final class ProblemFormatter {
    private ProblemFormatter() {}

    public static String text(Problem problem) {
        DocumentRef doc = problem.document();
        StringBuilder line = new StringBuilder();
        if (doc.source() != null) {
            line.append(doc.source());
            if (problem.line() > 0) {
                line.append(':').append(problem.line());
            }
            line.append(" (#").append(doc.index()).append(' ').append(doc.describe()).append(')');
        } else {
            line.append(doc.describe());
        }
        return line.append(": ")
                .append(problem.severity().label())
                .append(": ")
                .append(problem.fieldMessage())
                .toString();
    }

    public static String json(ValidationReport report) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("documents", report.documents());
        root.put("errors", report.errors());
        root.put("warnings", report.warnings());
        root.put("notes", report.notes());
        List<Map<String, Object>> problems = new ArrayList<>();
        for (Problem p : report.problems()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            DocumentRef doc = p.document();
            entry.put("file", doc.source());
            entry.put("line", p.line());
            entry.put("document", doc.index());
            entry.put("apiVersion", doc.apiVersion());
            entry.put("kind", doc.kind());
            entry.put("namespace", doc.namespace());
            entry.put("name", doc.name());
            entry.put("severity", p.severity().label());
            entry.put("field", p.field());
            entry.put("message", p.message());
            problems.add(entry);
        }
        root.put("problems", problems);
        try {
            return new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line for people: what was read and what was found. */
    public static String summary(ValidationReport report, int files) {
        return report.documents()
                + " document"
                + plural(report.documents())
                + " in "
                + files
                + " file"
                + plural(files)
                + ": "
                + report.errors()
                + " error"
                + plural(report.errors())
                + ", "
                + report.warnings()
                + " warning"
                + plural(report.warnings());
    }

    private static String plural(long n) {
        return n == 1 ? "" : "s";
    }
}
