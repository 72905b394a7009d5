package io.pveha.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * metav1.LabelSelector: Kubernetes' validation (ValidateLabelSelector, with its messages) and
 * matching semantics (matchLabels AND every matchExpression; an empty selector matches everything).
 */
final class LabelSelectors {
    private LabelSelectors() {}

    /** ValidateLabelSelector for a selector that already passed the schema (types are right). */
    static void validate(JsonNode selector, String path, List<FieldError> out) {
        JsonNode matchLabels = selector.path("matchLabels");
        if (matchLabels.isObject()) {
            ObjectMetaChecks.labels(matchLabels, FieldPaths.child(path, "matchLabels"), out);
        }
        JsonNode expressions = selector.path("matchExpressions");
        for (int i = 0; i < expressions.size(); i++) {
            JsonNode expression = expressions.get(i);
            String at = FieldPaths.index(FieldPaths.child(path, "matchExpressions"), i);
            String operator = expression.path("operator").asText("");
            JsonNode values = expression.path("values");
            switch (operator) {
                case "In", "NotIn" -> {
                    if (values.size() == 0) {
                        out.add(
                                FieldError.required(
                                        FieldPaths.child(at, "values"),
                                        "must be specified when `operator` is 'In' or 'NotIn'"));
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (values.size() > 0) {
                        out.add(
                                FieldError.forbidden(
                                        FieldPaths.child(at, "values"),
                                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    }
                }
                default ->
                        out.add(
                                FieldError.invalid(
                                        FieldPaths.child(at, "operator"),
                                        operator,
                                        "not a valid selector operator"));
            }
            String key = expression.path("key").asText("");
            KubeNames.qualifiedName(key)
                    .forEach(m -> out.add(FieldError.invalid(FieldPaths.child(at, "key"), key, m)));
            for (int v = 0; v < values.size(); v++) {
                String value = values.get(v).asText();
                String valuePath = FieldPaths.index(FieldPaths.child(at, "values"), v);
                KubeNames.labelValue(value)
                        .forEach(m -> out.add(FieldError.invalid(valuePath, value, m)));
            }
        }
    }

    /**
     * True when the selector has neither matchLabels nor matchExpressions: it selects everything.
     */
    static boolean isEmpty(JsonNode selector) {
        return selector.path("matchLabels").size() == 0
                && selector.path("matchExpressions").size() == 0;
    }

    static boolean matches(JsonNode selector, Map<String, String> labels) {
        for (var it = selector.path("matchLabels").fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String key = expression.path("key").asText();
            Set<String> values = new HashSet<>();
            expression.path("values").forEach(v -> values.add(v.asText()));
            boolean has = labels.containsKey(key);
            boolean ok =
                    switch (expression.path("operator").asText()) {
                        case "In" -> has && values.contains(labels.get(key));
                        case "NotIn" -> !has || !values.contains(labels.get(key));
                        case "Exists" -> has;
                        case "DoesNotExist" -> !has;
                        default -> false;
                    };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A selector as kubectl prints it, e.g. {@code app=pos-api,tier in (web)}; for messages. */
    static String describe(JsonNode selector) {
        List<String> parts = new ArrayList<>();
        selector.path("matchLabels")
                .fields()
                .forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
        for (JsonNode expression : selector.path("matchExpressions")) {
            List<String> values = new ArrayList<>();
            expression.path("values").forEach(v -> values.add(v.asText()));
            String key = expression.path("key").asText();
            parts.add(
                    switch (expression.path("operator").asText()) {
                        case "In" -> key + " in (" + String.join(",", values) + ")";
                        case "NotIn" -> key + " notin (" + String.join(",", values) + ")";
                        case "Exists" -> key;
                        case "DoesNotExist" -> "!" + key;
                        default -> key + " ? " + values;
                    });
        }
        return parts.isEmpty() ? "<everything>" : String.join(",", parts);
    }
}
