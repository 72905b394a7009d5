package io.pveha.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.alerting.MessageFormats;
import io.pveha.api.monitoring.BuiltinItem;
import io.pveha.api.monitoring.Language;
import io.pveha.api.monitoring.Severity;
import io.pveha.monitoring.Outgoing;
import io.pveha.monitoring.Text;
import io.pveha.monitoring.checks.CheckConditions;
import io.pveha.reconciler.monitoring.Monitoring;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code validate} checks in monitoring and alerting beyond the CRD schema: CEL conditions of
 * service checks compile and are boolean for their probe; routes and the fallback name existing
 * receivers; route match labels are label names with sensible values; receiver Secrets hold their
 * keys; the time zone exists; maintenance windows name HaVms of the cluster; and a sample incident
 * message per receiver fits the provider's size limit. (Check names, ports, intervals, thresholds,
 * one provider per receiver and maintenance schedules are the CRD's and SemanticChecks' part.)
 */
final class MonitoringChecks {
    private MonitoringChecks() {}

    /** Where findings go. */
    interface Sink {
        void error(FieldError e);

        void warning(FieldError e);

        void secret(JsonNode ref, String path, String keyField, String defaultKey);
    }

    static void haVm(JsonNode spec, Sink sink) {
        JsonNode checks = spec.path("monitoring").path("checks");
        for (int i = 0; i < checks.size(); i++) {
            JsonNode check = checks.get(i);
            String probe =
                    check.has("http")
                            ? CheckConditions.HTTP
                            : check.has("tcp") ? CheckConditions.TCP : CheckConditions.AGENT;
            JsonNode expect = check.path("expect");
            for (int k = 0; k < expect.size(); k++) {
                if (!expect.get(k).isTextual()) {
                    continue;
                }
                String e = expect.get(k).asText();
                try {
                    CheckConditions.compile(probe, e);
                } catch (CheckConditions.InvalidCondition bad) {
                    sink.error(
                            FieldError.invalid(
                                    "spec.monitoring.checks[" + i + "].expect[" + k + "]",
                                    e,
                                    "CEL condition of a "
                                            + probe
                                            + " check: "
                                            + bad.getMessage()
                                            + " (variables: "
                                            + variables(probe)
                                            + ")"));
                }
            }
        }
    }

    static String variables(String probe) {
        return switch (probe) {
            case CheckConditions.HTTP -> "status, latencyMs, body, text, headers, error";
            case CheckConditions.TCP -> "connected, latencyMs, error";
            default -> "responding, latencyMs, error";
        };
    }

    static void cluster(JsonNode spec, List<String> vmNames, Sink sink) {
        JsonNode monitoring = spec.path("monitoring");
        JsonNode items = monitoring.path("items");
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (item.has("thresholdPercent")
                    && !BuiltinItem.StorageFull.name().equals(item.path("name").asText())) {
                sink.warning(
                        FieldError.invalid(
                                "spec.monitoring.items[" + i + "].thresholdPercent",
                                item.path("thresholdPercent").asInt(),
                                "only StorageFull has a threshold; it is ignored here"));
            }
        }
        JsonNode alerting = spec.path("alerting");
        if (alerting.isMissingNode()) {
            return;
        }
        Set<String> receivers = new HashSet<>();
        JsonNode rs = alerting.path("receivers");
        for (int i = 0; i < rs.size(); i++) {
            JsonNode r = rs.get(i);
            receivers.add(r.path("name").asText());
            String path = "spec.alerting.receivers[" + i + "]";
            for (String kind : List.of("wecom", "slack", "webhook")) {
                if (r.has(kind)) {
                    sink.secret(
                            r.path(kind).path("urlSecretRef"),
                            path + "." + kind + ".urlSecretRef",
                            "key",
                            "url");
                }
            }
            for (String kind : List.of("dingtalk", "feishu")) {
                if (r.has(kind)) {
                    sink.secret(
                            r.path(kind).path("urlSecretRef"),
                            path + "." + kind + ".urlSecretRef",
                            "key",
                            "url");
                    if (r.path(kind).has("signSecretRef")) {
                        sink.secret(
                                r.path(kind).path("signSecretRef"),
                                path + "." + kind + ".signSecretRef",
                                "key",
                                "secret");
                    }
                }
            }
            if (r.has("email")) {
                JsonNode smtp = r.path("email").path("smtpSecretRef");
                sink.secret(smtp, path + ".email.smtpSecretRef", "hostKey", "host");
                sink.secret(smtp, path + ".email.smtpSecretRef", "fromKey", "from");
                if ("None".equals(r.path("email").path("security").asText())) {
                    sink.warning(
                            FieldError.invalid(
                                    path + ".email.security",
                                    "None",
                                    "alerts and the SMTP password travel unencrypted; use StartTLS or TLS outside a lab"));
                }
            }
            sampleFits(r, path, vmNames, alerting, sink);
        }
        JsonNode route = alerting.path("route");
        names(route.path("receivers"), "spec.alerting.route.receivers", receivers, sink);
        JsonNode routes = route.path("routes");
        for (int j = 0; j < routes.size(); j++) {
            String base = "spec.alerting.route.routes[" + j + "]";
            names(routes.get(j).path("receivers"), base + ".receivers", receivers, sink);
            JsonNode match = routes.get(j).path("match");
            for (Iterator<Map.Entry<String, JsonNode>> it = match.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String field = base + ".match." + e.getKey();
                if (!e.getKey().matches("[a-zA-Z_][a-zA-Z0-9_]{0,62}")) {
                    sink.error(
                            FieldError.invalid(
                                    field,
                                    e.getKey(),
                                    "a label name: letters, digits and _, not starting with a digit"));
                } else if (e.getKey().equals("severity")
                        && !List.of("critical", "warning", "info")
                                .contains(e.getValue().asText())) {
                    sink.error(
                            FieldError.notSupported(
                                    field,
                                    e.getValue().asText(),
                                    List.of("critical", "warning", "info")));
                } else if (e.getKey().equals("alertname") && !knownAlert(e.getValue().asText())) {
                    sink.warning(
                            FieldError.invalid(
                                    field,
                                    e.getValue().asText(),
                                    "no alert of the operator has this name (built-in items and "
                                            + Monitoring.CHECK_ALERT
                                            + "); the route never matches"));
                }
            }
        }
        if (alerting.has("fallbackReceiver")
                && !receivers.contains(alerting.path("fallbackReceiver").asText())) {
            sink.error(
                    FieldError.notFound(
                            "spec.alerting.fallbackReceiver",
                            alerting.path("fallbackReceiver").asText(),
                            "no receiver of this name in spec.alerting.receivers"));
        }
        if (alerting.has("timeZone")) {
            String zone = alerting.path("timeZone").asText();
            try {
                ZoneId.of(zone);
            } catch (RuntimeException e) {
                sink.error(
                        FieldError.invalid(
                                "spec.alerting.timeZone",
                                zone,
                                "no such time zone (IANA names such as Asia/Shanghai)"));
            }
        }
        JsonNode windows = alerting.path("maintenance");
        for (int w = 0; w < windows.size(); w++) {
            JsonNode vms = windows.get(w).path("vms");
            for (int v = 0; v < vms.size(); v++) {
                if (!vmNames.contains(vms.get(v).asText())) {
                    sink.warning(
                            FieldError.notFound(
                                    "spec.alerting.maintenance[" + w + "].vms[" + v + "]",
                                    vms.get(v).asText(),
                                    "no HaVm of this name in the cluster's input; the window mutes nothing for it"));
                }
            }
        }
    }

    private static boolean knownAlert(String name) {
        if (Monitoring.CHECK_ALERT.equals(name)) {
            return true;
        }
        for (BuiltinItem i : BuiltinItem.values()) {
            if (i.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static void names(JsonNode list, String path, Set<String> receivers, Sink sink) {
        for (int i = 0; i < list.size(); i++) {
            String name = list.get(i).asText();
            if (!receivers.contains(name)) {
                sink.error(
                        FieldError.notFound(
                                path + "[" + i + "]",
                                name,
                                "no receiver of this name in spec.alerting.receivers"));
            }
        }
    }

    /**
     * Renders the largest message the cluster's input can produce today (a node failure naming
     * every HaVm) in the receiver's format and language, and says whether it fits.
     */
    static void sampleFits(
            JsonNode receiver, String path, List<String> vmNames, JsonNode alerting, Sink sink) {
        Language language =
                "en".equals(alerting.path("language").asText()) ? Language.EN : Language.ZH_CN;
        MessageFormats.Style style =
                new MessageFormats.Style(language, ZoneId.of("UTC"), "cluster", "");
        Outgoing sample = sample(vmNames);
        String body;
        int limit;
        String provider;
        if (receiver.has("wecom")) {
            body = extract(MessageFormats.wecom(sample, style), "markdown", "content");
            limit = MessageFormats.WECOM_MARKDOWN_MAX_BYTES;
            provider = "WeCom markdown";
        } else if (receiver.has("dingtalk")) {
            body = MessageFormats.dingtalk(sample, style, List.of());
            limit = MessageFormats.DINGTALK_MAX_BYTES;
            provider = "DingTalk";
        } else if (receiver.has("feishu")) {
            body = MessageFormats.feishu(sample, style, 1700000000L, "x".repeat(44));
            limit = MessageFormats.FEISHU_MAX_BYTES;
            provider = "Feishu";
        } else {
            return;
        }
        int size = body.getBytes(StandardCharsets.UTF_8).length;
        if (size > limit) {
            sink.error(
                    FieldError.invalid(
                            path,
                            receiver.path("name").asText(),
                            "a sample incident message is "
                                    + size
                                    + " bytes, over "
                                    + provider
                                    + "'s limit of "
                                    + limit));
        } else if (body.contains("省略") || body.contains("more lines cut")) {
            sink.warning(
                    FieldError.invalid(
                            path,
                            receiver.path("name").asText(),
                            "a node incident naming all "
                                    + vmNames.size()
                                    + " HaVms is cut to fit "
                                    + provider
                                    + "'s limit of "
                                    + limit
                                    + " bytes"));
        }
    }

    private static String extract(String json, String a, String b) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(json)
                    .path(a)
                    .path(b)
                    .asText();
        } catch (java.io.IOException e) {
            return json;
        }
    }

    static Outgoing sample(List<String> vmNames) {
        List<Text> lines = new ArrayList<>();
        lines.add(
                Text.of(
                        "集群 cluster 的节点 pve-node-01 离线",
                        "node pve-node-01 of cluster cluster is offline"));
        for (String vm : vmNames) {
            lines.add(
                    Text.of(
                            "HA 虚拟机 " + vm + " (100000) 已在 pve-node-02 启动",
                            "HA VM " + vm + " (100000) started on pve-node-02"));
        }
        return new Outgoing(
                Outgoing.Kind.INCIDENT,
                Severity.critical,
                Text.of("【故障】节点 pve-node-01 离线", "[INCIDENT] node pve-node-01 offline"),
                lines,
                List.of(),
                List.of(),
                Instant.parse("2026-01-01T00:00:00Z"));
    }
}
