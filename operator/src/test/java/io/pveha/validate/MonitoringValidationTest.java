package io.pveha.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proof 2 of the monitoring issue: hostile and broken monitoring YAML is refused by {@code
 * validate} naming the field. Each case changes one thing in a valid platform with alerting and
 * service checks, and must produce an error (or, where noted, a warning) on exactly that field.
 */
class MonitoringValidationTest {
    static final String VALID =
            """
            apiVersion: v1
            kind: Secret
            metadata: {name: pve-token, namespace: shop}
            stringData: {tokenId: "op@pve!op", tokenSecret: "00000000-0000-0000-0000-000000000000"}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: alert-hooks, namespace: shop}
            stringData:
              wecom-url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"
              dingtalk-url: "https://oapi.dingtalk.com/robot/send?access_token=x"
              dingtalk-sign: "SECx"
              feishu-url: "https://open.feishu.cn/open-apis/bot/v2/hook/x"
              feishu-sign: "x"
              bridge-url: "http://bridge.monitoring:8060/dingtalk/webhook1/send"
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: smtp, namespace: shop}
            stringData: {host: smtp.chain.example, port: "587", from: pveha@chain.example, username: u, password: p}
            ---
            apiVersion: pveha.io/v1alpha1
            kind: ProxmoxCluster
            metadata: {name: pve, namespace: shop}
            spec:
              endpoints: ["https://pve1.example.com:8006"]
              credentialsSecretRef: {name: pve-token}
              monitoring:
                items:
                  - {name: StorageFull, thresholdPercent: 90}
                  - {name: HaNodeUnhealthy, enabled: false}
              alerting:
                language: zh-CN
                timeZone: Asia/Shanghai
                receivers:
                  - name: store-wecom
                    wecom: {urlSecretRef: {name: alert-hooks, key: wecom-url}}
                  - name: ops-dingtalk
                    dingtalk: {urlSecretRef: {name: alert-hooks, key: dingtalk-url}, signSecretRef: {name: alert-hooks, key: dingtalk-sign}}
                  - name: ops-feishu
                    feishu: {urlSecretRef: {name: alert-hooks, key: feishu-url}, signSecretRef: {name: alert-hooks, key: feishu-sign}}
                  - name: noc-mail
                    email: {to: ["noc@chain.example"], smtpSecretRef: {name: smtp}}
                  - name: bridge
                    webhook: {urlSecretRef: {name: alert-hooks, key: bridge-url}}
                route:
                  receivers: [store-wecom]
                  repeatIntervalMinutes: 240
                  routes:
                    - {match: {severity: critical}, receivers: [store-wecom, ops-dingtalk]}
                    - {match: {alertname: BackupFailed}, receivers: [noc-mail]}
                fallbackReceiver: bridge
                maintenance:
                  - {name: sunday, schedule: "sun 02:00", durationMinutes: 120, nodes: [pve1], vms: [web-1]}
            ---
            apiVersion: pveha.io/v1alpha1
            kind: HaVm
            metadata: {name: web-1, namespace: shop}
            spec:
              clusterRef: {name: pve}
              source: {none: {}}
              monitoring:
                checks:
                  - {name: http, http: {port: 8080, path: /healthz}, expect: ["status == 200", "latencyMs < 300"], intervalSeconds: 10, failureThreshold: 3, severity: critical}
                  - {name: pos-port, tcp: {port: 9000}}
                  - {name: agent, guestAgent: {}, expect: ["responding"]}
            """;

    static List<String> validate(String yaml) throws Exception {
        List<ManifestDocument> documents = ManifestReader.read("platform.yaml", yaml);
        ValidationReport report =
                new BundleValidator(
                                SpecValidator.forBundledCrds(),
                                new BundleValidator.Options(false, "default"))
                        .validate(documents);
        return report.problems().stream().map(ProblemFormatter::text).toList();
    }

    @Test
    void theValidPlatformHasNoFindings() throws Exception {
        assertThat(validate(VALID)).isEmpty();
    }

    record Case(String from, String to, String expected) {}

    static Named<Case> c(String name, String from, String to, String expected) {
        return Named.of(name, new Case(from, to, expected));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void brokenMonitoringYamlIsRefusedNamingTheField(Case c) throws Exception {
        assertThat(VALID).contains(c.from());
        List<String> problems = validate(VALID.replace(c.from(), c.to()));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains(c.expected()));
    }

    static Stream<Named<Case>> cases() {
        return Stream.of(
                c(
                        "CEL that does not parse",
                        "\"status == 200\"",
                        "\"status == \"",
                        "error: spec.monitoring.checks[0].expect[0]: Invalid value: \"status == \": CEL condition of a http check"),
                c(
                        "CEL that is not boolean",
                        "\"latencyMs < 300\"",
                        "\"latencyMs + 300\"",
                        "error: spec.monitoring.checks[0].expect[1]: Invalid value: \"latencyMs + 300\": CEL condition of a http check: must be a boolean expression"),
                c(
                        "CEL naming a variable the probe does not have",
                        "expect: [\"responding\"]",
                        "expect: [\"status == 200\"]",
                        "error: spec.monitoring.checks[2].expect[0]"),
                c(
                        "a CEL condition smuggling a line break",
                        "\"latencyMs < 300\"",
                        "\"latencyMs < 300\\nrm -rf /\"",
                        "error: spec.monitoring.checks[0].expect[1]: Invalid value:"),
                c(
                        "two checks of the same name",
                        "{name: pos-port, tcp",
                        "{name: http, tcp",
                        "error: spec.monitoring.checks: Invalid value: check names must be unique"),
                c(
                        "a port out of range",
                        "tcp: {port: 9000}",
                        "tcp: {port: 90000}",
                        "error: spec.monitoring.checks[1].tcp.port: Invalid value: 90000: spec.monitoring.checks[1].tcp.port in body should be less than or equal to 65535"),
                c(
                        "an interval of zero",
                        "intervalSeconds: 10",
                        "intervalSeconds: 0",
                        "error: spec.monitoring.checks[0].intervalSeconds: Invalid value: 0"),
                c(
                        "a check with two probes",
                        "{name: pos-port, tcp: {port: 9000}}",
                        "{name: pos-port, tcp: {port: 9000}, http: {port: 80}}",
                        "error: spec.monitoring.checks[1]: Invalid value: a check has exactly one of http, tcp, guestAgent"),
                c(
                        "a route naming an unknown receiver",
                        "receivers: [store-wecom]\n      repeat",
                        "receivers: [store-wechat]\n      repeat",
                        "error: spec.alerting.route.receivers[0]: Not found: \"store-wechat\": no receiver of this name"),
                c(
                        "a child route naming an unknown receiver",
                        "receivers: [store-wecom, ops-dingtalk]",
                        "receivers: [store-wecom, ops-dingding]",
                        "error: spec.alerting.route.routes[0].receivers[1]: Not found: \"ops-dingding\""),
                c(
                        "an unknown fallback receiver",
                        "fallbackReceiver: bridge",
                        "fallbackReceiver: pager",
                        "error: spec.alerting.fallbackReceiver: Not found: \"pager\""),
                c(
                        "a Secret without the referenced key",
                        "{name: alert-hooks, key: wecom-url}",
                        "{name: alert-hooks, key: wecom-link}",
                        "error: spec.alerting.receivers[0].wecom.urlSecretRef.key: Not found: \"wecom-link\": Secret shop/alert-hooks"),
                c(
                        "an SMTP Secret without host",
                        "{host: smtp.chain.example, ",
                        "{",
                        "error: spec.alerting.receivers[3].email.smtpSecretRef: Not found: \"host\""),
                c(
                        "a maintenance schedule that does not parse",
                        "schedule: \"sun 02:00\"",
                        "schedule: \"sunday 25:00\"",
                        "error: spec.alerting.maintenance[0].schedule: Invalid value: \"sunday 25:00\""),
                c(
                        "a time zone that does not exist",
                        "timeZone: Asia/Shanghai",
                        "timeZone: Asia/Beijing",
                        "error: spec.alerting.timeZone: Invalid value: \"Asia/Beijing\": no such time zone"),
                c(
                        "a receiver with two providers",
                        "- name: bridge\n        webhook:",
                        "- name: bridge\n        slack: {urlSecretRef: {name: alert-hooks, key: bridge-url}}\n        webhook:",
                        "error: spec.alerting.receivers[4]: Invalid value: a receiver has exactly one of wecom, dingtalk, feishu, email, slack, webhook"),
                c(
                        "two receivers of the same name",
                        "- name: bridge",
                        "- name: noc-mail",
                        "error: spec.alerting.receivers: Invalid value: receiver names must be unique"),
                c(
                        "an unknown built-in item",
                        "{name: HaNodeUnhealthy, enabled: false}",
                        "{name: HostDown, enabled: false}",
                        "error: spec.monitoring.items[1].name: Unsupported value: \"HostDown\""),
                c(
                        "a severity nobody routes",
                        "match: {severity: critical}",
                        "match: {severity: urgent}",
                        "error: spec.alerting.route.routes[0].match.severity: Unsupported value: \"urgent\""),
                c(
                        "a bad recipient address",
                        "to: [\"noc@chain.example\"]",
                        "to: [\"noc@chain.example>; rm\"]",
                        "error: spec.alerting.receivers[3].email.to[0]: Invalid value:"),
                c(
                        "a language the messages do not speak",
                        "language: zh-CN",
                        "language: fr",
                        "error: spec.alerting.language: Unsupported value: \"fr\""),
                c(
                        "a match on an alert that does not exist (warning)",
                        "{alertname: BackupFailed}",
                        "{alertname: BackupFailing}",
                        "warning: spec.alerting.route.routes[1].match.alertname: Invalid value: \"BackupFailing\""),
                c(
                        "a maintenance window for an unknown HaVm (warning)",
                        "vms: [web-1]",
                        "vms: [web-9]",
                        "warning: spec.alerting.maintenance[0].vms[0]: Not found: \"web-9\""));
    }
}
