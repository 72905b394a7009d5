package io.pveha.alerting;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pveha.api.monitoring.Language;
import io.pveha.api.monitoring.Severity;
import io.pveha.monitoring.Outgoing;
import io.pveha.monitoring.Text;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders an {@link Outgoing} message in each provider's format, within the provider's size limit:
 * WeCom markdown ≤ 4,096 bytes, DingTalk markdown ≤ 20,000 bytes, Feishu body ≤ 20 KB.
 */
public final class MessageFormats {
    public static final int WECOM_MARKDOWN_MAX_BYTES = 4096;
    public static final int DINGTALK_MAX_BYTES = 20000;
    public static final int FEISHU_MAX_BYTES = 20 * 1024;
    public static final int SLACK_MAX_BYTES = 40000;

    static final ObjectMapper JSON = new ObjectMapper();

    private MessageFormats() {}

    /** How one receiver renders: language and time zone of the cluster's alerting settings. */
    public record Style(Language language, ZoneId zone, String cluster, String externalUrl) {
        public static Style defaults() {
            return new Style(Language.ZH_CN, ZoneId.of("Asia/Shanghai"), "", "");
        }
    }

    public static String time(Instant at, Style style) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z")
                .withZone(style.zone())
                .format(at);
    }

    static String title(Outgoing m, Style s) {
        return m.title().in(s.language());
    }

    static List<String> lines(Outgoing m, Style s) {
        List<String> out = new ArrayList<>();
        for (Text t : m.lines()) {
            out.add(t.in(s.language()));
        }
        out.add((s.language() == Language.EN ? "time " : "时间 ") + time(m.at(), s));
        return out;
    }

    static String severityWord(Severity sev, Language l) {
        if (l == Language.EN) {
            return sev.name();
        }
        return switch (sev) {
            case critical -> "严重";
            case warning -> "警告";
            case info -> "提示";
        };
    }

    /** WeCom group robot: markdown with font colours. */
    public static String wecom(Outgoing m, Style s) {
        String colour =
                m.kind() == Outgoing.Kind.RESOLVED
                        ? "info"
                        : m.severity() == Severity.critical ? "warning" : "comment";
        String head = "**<font color=\"" + colour + "\">" + md(title(m, s)) + "</font>**\n";
        List<String> body = new ArrayList<>();
        for (String line : lines(m, s)) {
            body.add("> " + md(line));
        }
        String content = fit(head, body, WECOM_MARKDOWN_MAX_BYTES - 64, s.language());
        ObjectNode root = JSON.createObjectNode();
        root.put("msgtype", "markdown");
        root.putObject("markdown").put("content", content);
        return root.toString();
    }

    /** DingTalk custom robot: markdown, @-mentions on critical messages. */
    public static String dingtalk(Outgoing m, Style s, List<String> atMobiles) {
        String head = "### " + md(title(m, s)) + "\n\n";
        List<String> body = new ArrayList<>();
        for (String line : lines(m, s)) {
            body.add("- " + md(line));
        }
        boolean mention =
                m.severity() == Severity.critical
                        && m.kind() != Outgoing.Kind.RESOLVED
                        && !atMobiles.isEmpty();
        if (mention) {
            body.add(String.join(" ", atMobiles.stream().map(n -> "@" + n).toList()));
        }
        String text = fit(head, body, DINGTALK_MAX_BYTES - 512, s.language());
        ObjectNode root = JSON.createObjectNode();
        root.put("msgtype", "markdown");
        ObjectNode md = root.putObject("markdown");
        md.put("title", title(m, s));
        md.put("text", text);
        ObjectNode at = root.putObject("at");
        ArrayNode mobiles = at.putArray("atMobiles");
        if (mention) {
            atMobiles.forEach(mobiles::add);
        }
        at.put("isAtAll", false);
        return root.toString();
    }

    /**
     * Feishu / Lark custom bot: an interactive card, header coloured by severity; signed bots get
     * {@code timestamp} and {@code sign} in the body.
     */
    public static String feishu(Outgoing m, Style s, Long timestamp, String sign) {
        String template =
                m.kind() == Outgoing.Kind.RESOLVED
                        ? "green"
                        : m.severity() == Severity.critical ? "red" : "orange";
        String content = fit("", prefix(lines(m, s), ""), FEISHU_MAX_BYTES - 1024, s.language());
        ObjectNode root = JSON.createObjectNode();
        if (timestamp != null) {
            root.put("timestamp", String.valueOf(timestamp));
            root.put("sign", sign);
        }
        root.put("msg_type", "interactive");
        ObjectNode card = root.putObject("card");
        card.putObject("config").put("wide_screen_mode", true);
        ObjectNode header = card.putObject("header");
        header.putObject("title").put("tag", "plain_text").put("content", title(m, s));
        header.put("template", template);
        ArrayNode elements = card.putArray("elements");
        ObjectNode div = elements.addObject();
        div.put("tag", "div");
        div.putObject("text").put("tag", "lark_md").put("content", content);
        return root.toString();
    }

    /** Slack incoming webhook. */
    public static String slack(Outgoing m, Style s) {
        String colour =
                m.kind() == Outgoing.Kind.RESOLVED
                        ? "good"
                        : m.severity() == Severity.critical ? "danger" : "warning";
        ObjectNode root = JSON.createObjectNode();
        root.put("text", title(m, s));
        ObjectNode att = root.putArray("attachments").addObject();
        att.put("title", title(m, s));
        att.put("text", fit("", lines(m, s), SLACK_MAX_BYTES, s.language()));
        att.put("color", colour);
        return root.toString();
    }

    /** Alertmanager's webhook payload, version 4, so bridges written for Alertmanager accept it. */
    public static String webhook(Outgoing m, Style s, String receiver) {
        ObjectNode root = JSON.createObjectNode();
        root.put("receiver", receiver);
        boolean resolved =
                !m.alerts().isEmpty()
                        && m.alerts().stream().allMatch(a -> "resolved".equals(a.status()));
        root.put("status", resolved ? "resolved" : "firing");
        ArrayNode alerts = root.putArray("alerts");
        Map<String, String> commonLabels = null;
        for (Outgoing.AlertRef a : m.alerts()) {
            ObjectNode alert = alerts.addObject();
            alert.put("status", a.status());
            ObjectNode labels = alert.putObject("labels");
            a.labels().forEach(labels::put);
            ObjectNode ann = alert.putObject("annotations");
            ann.put("summary", a.summary().in(s.language()));
            ann.put("description", String.join("\n", lines(m, s)));
            alert.put("startsAt", a.startsAt().toString());
            alert.put(
                    "endsAt", a.endsAt() == null ? "0001-01-01T00:00:00Z" : a.endsAt().toString());
            alert.put("generatorURL", s.externalUrl());
            alert.put("fingerprint", fingerprint(a.labels()));
            if (commonLabels == null) {
                commonLabels = new java.util.LinkedHashMap<>(a.labels());
            } else {
                commonLabels
                        .entrySet()
                        .removeIf(e -> !e.getValue().equals(a.labels().get(e.getKey())));
            }
        }
        ObjectNode common = JSON.createObjectNode();
        if (commonLabels != null) {
            commonLabels.forEach(common::put);
        }
        ObjectNode group = root.putObject("groupLabels");
        if (common.has("alertname")) {
            group.set("alertname", common.get("alertname"));
        }
        root.set("commonLabels", common);
        root.putObject("commonAnnotations").put("summary", title(m, s));
        root.put("externalURL", s.externalUrl());
        root.put("version", "4");
        root.put("groupKey", "{}:{cluster=\"" + s.cluster() + "\"}");
        root.put("truncatedAlerts", 0);
        // Not part of Alertmanager's payload: what kind of message this is (incident, follow-up,
        // ...).
        root.put("pvehaKind", m.kind().name());
        return root.toString();
    }

    /** Subject and plain-text body of an e-mail. */
    public static String[] email(Outgoing m, Style s) {
        return new String[] {title(m, s), String.join("\n", lines(m, s)) + "\n"};
    }

    static String fingerprint(Map<String, String> labels) {
        long h = 1125899906842597L;
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(labels).entrySet()) {
            for (char c : (e.getKey() + "=" + e.getValue() + ";").toCharArray()) {
                h = 31 * h + c;
            }
        }
        return String.format("%016x", h);
    }

    private static List<String> prefix(List<String> lines, String p) {
        return lines.stream().map(l -> p + l).toList();
    }

    /** Markdown-escapes the characters that would change a line's meaning. */
    static String md(String s) {
        return s.replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * Head plus as many lines as fit in {@code maxBytes} (UTF-8), then a line saying how many were
     * left out.
     */
    static String fit(String head, List<String> lines, int maxBytes, Language language) {
        StringBuilder out = new StringBuilder(head);
        int used = bytes(head);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i) + "\n";
            int left = lines.size() - i;
            String more =
                    language == Language.EN
                            ? "… (" + left + " more lines cut: message size limit)\n"
                            : "…（超出消息长度限制，省略 " + left + " 行）\n";
            if (used + bytes(line) + bytes(more) > maxBytes) {
                if (used + bytes(more) <= maxBytes) {
                    out.append(more);
                }
                return out.toString();
            }
            out.append(line);
            used += bytes(line);
        }
        return out.toString();
    }

    static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
