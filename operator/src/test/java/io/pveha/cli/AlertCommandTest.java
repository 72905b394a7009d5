package io.pveha.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.alerting.ProviderStubs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code alert test}: one real message, exit 1 with the provider's answer when refused. */
class AlertCommandTest {
    @TempDir Path dir;

    Path platform(ProviderStubs stubs) throws Exception {
        Path file = dir.resolve("platform.yaml");
        Files.writeString(
                file,
                """
                apiVersion: v1
                kind: Secret
                metadata: {name: alert-hooks, namespace: shop}
                stringData:
                  dingtalk-url: "%s"
                  dingtalk-sign: "%s"
                  wecom-url: "%s"
                ---
                apiVersion: pveha.io/v1alpha1
                kind: ProxmoxCluster
                metadata: {name: pve, namespace: shop}
                spec:
                  endpoints: ["https://pve1.example.com:8006"]
                  credentialsSecretRef: {name: pve-token}
                  alerting:
                    receivers:
                      - name: ops-dingtalk
                        dingtalk: {urlSecretRef: {name: alert-hooks, key: dingtalk-url}, signSecretRef: {name: alert-hooks, key: dingtalk-sign}}
                      - name: store-wecom
                        wecom: {urlSecretRef: {name: alert-hooks, key: wecom-url}}
                      - name: lost
                        wecom: {urlSecretRef: {name: alert-hooks, key: nowhere}}
                """
                        .formatted(
                                stubs.dingtalkUrl(),
                                ProviderStubs.DINGTALK_SECRET,
                                stubs.wecomUrl()));
        return file;
    }

    @Test
    void sendsOneMessageAndExitsZeroWhenAccepted() throws Exception {
        try (ProviderStubs stubs = new ProviderStubs()) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code =
                    Main.run(
                            new PrintWriter(out),
                            new PrintWriter(err),
                            "alert",
                            "test",
                            "--receiver",
                            "ops-dingtalk",
                            "-f",
                            platform(stubs).toString());
            assertThat(code).as(err.toString()).isZero();
            assertThat(out.toString()).contains("sent to ops-dingtalk (dingtalk)", "\"errcode\":0");
            assertThat(stubs.received("dingtalk"))
                    .singleElement()
                    .satisfies(r -> assertThat(r.text()).contains("【测试】"));
        }
    }

    @Test
    void exitsOneWithTheProvidersAnswerWhenRefused() throws Exception {
        try (ProviderStubs stubs = new ProviderStubs()) {
            stubs.refuseDingTalk(true);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code =
                    Main.run(
                            new PrintWriter(out),
                            new PrintWriter(err),
                            "alert",
                            "test",
                            "--receiver",
                            "ops-dingtalk",
                            "-f",
                            platform(stubs).toString());
            assertThat(code).isEqualTo(1);
            assertThat(err.toString())
                    .contains("refused the message: errcode 310000: sign not match")
                    .doesNotContain("access_token");
        }
    }

    @Test
    void aMissingSecretKeyOrReceiverIsAnInputError() throws Exception {
        try (ProviderStubs stubs = new ProviderStubs()) {
            StringWriter err = new StringWriter();
            Path file = platform(stubs);
            assertThat(
                            Main.run(
                                    new PrintWriter(new StringWriter()),
                                    new PrintWriter(err),
                                    "alert",
                                    "test",
                                    "--receiver",
                                    "lost",
                                    "-f",
                                    file.toString()))
                    .isEqualTo(2);
            assertThat(err.toString()).contains("has no key nowhere");
            assertThat(
                            Main.run(
                                    new PrintWriter(new StringWriter()),
                                    new PrintWriter(err),
                                    "alert",
                                    "test",
                                    "--receiver",
                                    "nobody",
                                    "-f",
                                    file.toString()))
                    .isEqualTo(2);
        }
    }
}
