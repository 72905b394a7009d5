package io.pveha.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.api.Patterns;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.lb.LoadBalancerPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks of one object that its schema cannot express. They recognise fields by their schema, so a
 * new field of the same sort is covered without code here: every string with the calendar-event
 * pattern is parsed as a PVE calendar event, every metav1.LabelSelector is validated like
 * Kubernetes validates selectors. Only values that passed the schema are looked at, so these never
 * repeat a schema error.
 */
final class SemanticChecks {
    private SemanticChecks() {}

    static void check(JsonNode object, String kind, Schema root, List<Finding> out) {
        JsonNode spec = object.get("spec");
        Schema specSchema = root.properties.get("spec");
        if (spec != null && spec.isObject() && specSchema != null) {
            walk(spec, specSchema, "spec", out);
        }
        if (LoadBalancerPair.KIND.equals(kind) && spec != null && spec.isObject()) {
            selectorsNeedCluster(spec, out);
        }
        if (CephPool.KIND.equals(kind) && spec != null && spec.isObject()) {
            poolNameIsStorageId(object, spec, out);
        }
    }

    private static final com.google.re2j.Pattern STORAGE_ID =
            com.google.re2j.Pattern.compile(Patterns.PVE_STORAGE_ID);

    /**
     * With addStorage the pool name is also the PVE storage id. The CRD checks spec.poolName (CEL),
     * but a rule on spec cannot see metadata.name, the default: "1st-pool" is a fine Kubernetes
     * name and no storage id.
     */
    private static void poolNameIsStorageId(JsonNode object, JsonNode spec, List<Finding> out) {
        JsonNode name = object.path("metadata").path("name");
        if (spec.path("addStorage").asBoolean(false)
                && !spec.has("poolName")
                && name.isTextual()
                && !STORAGE_ID.matcher(name.asText()).find()) {
            out.add(
                    Finding.error(
                            FieldError.invalid(
                                    "metadata.name",
                                    name.asText(),
                                    "with spec.addStorage and no"
                                            + " spec.poolName, the name is also the PVE storage id: it must start with a letter and end"
                                            + " with a letter or digit")));
        }
    }

    private static void walk(JsonNode data, Schema schema, String path, List<Finding> out) {
        if (data.isTextual()
                && Patterns.PVE_CALENDAR_EVENT.equals(schema.patternText)
                && schema.pattern.matcher(data.asText()).find()) {
            CalendarEvents.check(data.asText())
                    .ifPresent(
                            reason ->
                                    out.add(
                                            Finding.error(
                                                    FieldError.invalid(
                                                            path,
                                                            data.asText(),
                                                            "not a valid PVE calendar event: "
                                                                    + reason))));
        }
        if (data.isObject() && schema.isLabelSelector()) {
            checkSelector(data, path, out);
            return;
        }
        if (data.isObject()) {
            for (Map.Entry<String, Schema> property : schema.properties.entrySet()) {
                JsonNode child = data.get(property.getKey());
                if (child != null) {
                    walk(
                            child,
                            property.getValue(),
                            FieldPaths.child(path, property.getKey()),
                            out);
                }
            }
        } else if (data.isArray() && schema.items != null) {
            for (int i = 0; i < data.size(); i++) {
                walk(data.get(i), schema.items, FieldPaths.index(path, i), out);
            }
        }
    }

    private static void checkSelector(JsonNode selector, String path, List<Finding> out) {
        if (!wellTyped(selector)) {
            return;
        }
        List<FieldError> errors = new ArrayList<>();
        LabelSelectors.validate(selector, path, errors);
        errors.forEach(e -> out.add(Finding.error(e)));
        if (LabelSelectors.isEmpty(selector)) {
            out.add(
                    Finding.warning(
                            FieldError.invalid(
                                    path,
                                    FieldError.OMIT,
                                    "an empty selector selects every HaVm in the namespace")));
        }
    }

    /**
     * Only selectors whose parts have the schema's types are checked further (the schema reported
     * the rest).
     */
    private static boolean wellTyped(JsonNode selector) {
        JsonNode labels = selector.path("matchLabels");
        JsonNode expressions = selector.path("matchExpressions");
        if (!labels.isMissingNode() && !labels.isObject()) {
            return false;
        }
        if (!expressions.isMissingNode() && !expressions.isArray()) {
            return false;
        }
        for (JsonNode value : labels) {
            if (!value.isTextual()) {
                return false;
            }
        }
        for (JsonNode expression : expressions) {
            if (!expression.isObject()
                    || !expression.path("values").isMissingNode()
                            && !expression.path("values").isArray()) {
                return false;
            }
        }
        return true;
    }

    /**
     * HaVms live in a ProxmoxCluster: a LoadBalancerPair that selects HaVms must say which cluster.
     */
    private static void selectorsNeedCluster(JsonNode spec, List<Finding> out) {
        if (spec.has("clusterRef")) {
            return;
        }
        JsonNode services = spec.path("services");
        for (int i = 0; i < services.size(); i++) {
            if (services.get(i).path("backends").has("haVmSelector")) {
                out.add(
                        Finding.error(
                                FieldError.required(
                                        "spec.clusterRef",
                                        "spec.services["
                                                + i
                                                + "].backends.haVmSelector selects HaVms, so the ProxmoxCluster they live in must be named")));
                return;
            }
        }
    }
}
