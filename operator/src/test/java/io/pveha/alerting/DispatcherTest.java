package io.pveha.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pveha.api.monitoring.Severity;
import io.pveha.monitoring.Outgoing;
import io.pveha.monitoring.Text;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DispatcherTest {
    static Outgoing message(String title, List<String> receivers) {
        return new Outgoing(
                Outgoing.Kind.FIRING,
                Severity.critical,
                Text.of("【告警】" + title, "[FIRING] " + title),
                List.of(Text.of(title + " 失败", title + " failing")),
                receivers,
                List.of(
                        new Outgoing.AlertRef(
                                "ServiceCheckFailed",
                                "havm/" + title + "/http",
                                "firing",
                                Map.of("alertname", "ServiceCheckFailed", "severity", "critical"),
                                Text.of("失败", "failing"),
                                Instant.now(),
                                null)),
                Instant.now());
    }

    @Test
    void aRefusingReceiverIsUnhealthyWithTheProvidersAnswerAndItsMessageGoesToTheFallback()
            throws Exception {
        try (ProviderStubs stubs = new ProviderStubs();
                Dispatcher d =
                        new Dispatcher(
                                new Sender(Clock.systemUTC()),
                                Clock.systemUTC(),
                                new SimpleMeterRegistry(),
                                new Duration[] {Duration.ofMillis(10)})) {
            stubs.refuseDingTalk(true);
            d.configure(
                    "store/main",
                    List.of(
                            new ReceiverConfig(
                                    "ops-dingtalk",
                                    "dingtalk",
                                    stubs.dingtalkUrl(),
                                    ProviderStubs.DINGTALK_SECRET,
                                    List.of(),
                                    null,
                                    List.of()),
                            new ReceiverConfig(
                                    "bridge",
                                    "webhook",
                                    stubs.webhookUrl(),
                                    null,
                                    List.of(),
                                    null,
                                    List.of())),
                    "bridge");
            d.submit(
                    "store/main",
                    message("pos-api-1", List.of("ops-dingtalk")),
                    MessageFormats.Style.defaults());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> stubs.received("webhook").size() == 1);
            // Not retried: a bad signature is a refusal, not a transient failure.
            assertThat(stubs.received("dingtalk")).hasSize(1).allMatch(r -> r.code() == 310000);
            Dispatcher.Health h = d.health("store/main", "ops-dingtalk").orElseThrow();
            assertThat(h.healthy()).isFalse();
            assertThat(h.lastError())
                    .startsWith("errcode 310000: sign not match")
                    .doesNotContain("access_token");
            assertThat(stubs.received("webhook").get(0).text()).contains("pos-api-1");
        }
    }

    @Test
    void queuedMessagesAreMergedIntoOneNotDropped() {
        Dispatcher.Job merged = null;
        List<Dispatcher.Job> jobs = new java.util.ArrayList<>();
        for (String vm : List.of("pos-api-1", "pos-api-2", "erp-db")) {
            jobs.add(
                    new Dispatcher.Job(
                            message(vm, List.of("store-wecom")),
                            MessageFormats.Style.defaults(),
                            false));
        }
        merged = Dispatcher.merge(jobs);
        assertThat(merged.message().title().zh()).isEqualTo("3 条告警消息（限流合并）");
        assertThat(merged.message().alerts()).hasSize(3);
        assertThat(merged.message().lines())
                .extracting(Text::en)
                .contains("■ [FIRING] pos-api-1", "■ [FIRING] pos-api-2", "■ [FIRING] erp-db");
    }

    @Test
    void providerLimitsAreTheDocumentedOnes() {
        assertThat(Dispatcher.limits("wecom"))
                .containsExactly(new Dispatcher.Limit(20, Duration.ofMinutes(1)));
        assertThat(Dispatcher.limits("dingtalk"))
                .containsExactly(new Dispatcher.Limit(20, Duration.ofMinutes(1)));
        assertThat(Dispatcher.limits("feishu"))
                .containsExactly(
                        new Dispatcher.Limit(5, Duration.ofSeconds(1)),
                        new Dispatcher.Limit(100, Duration.ofMinutes(1)));
    }
}
