package io.pveha.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveha.api.monitoring.Language;
import io.pveha.api.monitoring.Severity;
import io.pveha.monitoring.Outgoing;
import io.pveha.monitoring.Text;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageFormatsTest {
    static final MessageFormats.Style ZH =
            new MessageFormats.Style(Language.ZH_CN, ZoneId.of("Asia/Shanghai"), "store/main", "");

    static Outgoing big(int lines) {
        List<Text> l = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            l.add(Text.of("第 " + i + " 行：虚拟机 pos-api-" + i + " 的服务检查失败，HTTP 503", "line " + i));
        }
        return new Outgoing(
                Outgoing.Kind.FIRING,
                Severity.critical,
                Text.of("【告警】很多", "[FIRING] many"),
                l,
                List.of("store-wecom"),
                List.of(
                        new Outgoing.AlertRef(
                                "ServiceCheckFailed",
                                "havm/pos-api-1/http",
                                "firing",
                                Map.of("alertname", "ServiceCheckFailed", "severity", "critical"),
                                Text.of("失败", "failing"),
                                Instant.parse("2026-11-24T00:00:00Z"),
                                null)),
                Instant.parse("2026-11-24T00:00:05Z"));
    }

    @Test
    void weComMarkdownStaysWithin4096BytesAndSaysWhatWasCut() throws Exception {
        JsonNode body = new ObjectMapper().readTree(MessageFormats.wecom(big(500), ZH));
        assertThat(body.path("msgtype").asText()).isEqualTo("markdown");
        String content = body.path("markdown").path("content").asText();
        assertThat(content.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
        assertThat(content).contains("【告警】很多", "省略");
    }

    @Test
    void shortMessagesAreWholeWithTheTimeInTheClustersZone() throws Exception {
        JsonNode body = new ObjectMapper().readTree(MessageFormats.wecom(big(2), ZH));
        assertThat(body.path("markdown").path("content").asText())
                .contains("第 1 行", "时间 2026-11-24 08:00:05 CST")
                .doesNotContain("省略");
    }

    @Test
    void theWebhookIsAlertmanagersVersion4Payload() throws Exception {
        JsonNode body = new ObjectMapper().readTree(MessageFormats.webhook(big(1), ZH, "bridge"));
        assertThat(body.path("version").asText()).isEqualTo("4");
        assertThat(body.path("receiver").asText()).isEqualTo("bridge");
        assertThat(body.path("status").asText()).isEqualTo("firing");
        JsonNode alert = body.path("alerts").get(0);
        assertThat(alert.path("labels").path("alertname").asText()).isEqualTo("ServiceCheckFailed");
        assertThat(alert.path("startsAt").asText()).isEqualTo("2026-11-24T00:00:00Z");
        assertThat(alert.has("fingerprint")).isTrue();
        assertThat(body.path("commonLabels").path("severity").asText()).isEqualTo("critical");
        for (String f :
                List.of(
                        "groupLabels",
                        "commonAnnotations",
                        "externalURL",
                        "groupKey",
                        "truncatedAlerts")) {
            assertThat(body.has(f)).as(f).isTrue();
        }
    }

    @Test
    void feishuSignedBodiesCarryTimestampAndSign() throws Exception {
        JsonNode body =
                new ObjectMapper().readTree(MessageFormats.feishu(big(1), ZH, 1700000000L, "x"));
        assertThat(body.path("timestamp").asText()).isEqualTo("1700000000");
        assertThat(body.path("sign").asText()).isEqualTo("x");
        assertThat(body.path("msg_type").asText()).isEqualTo("interactive");
        assertThat(body.path("card").path("header").path("template").asText()).isEqualTo("red");
    }
}
