package io.pveha.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Local HTTP servers on loopback standing in for WeCom, DingTalk, Feishu and a generic
 * Alertmanager-webhook bridge. Each checks what the real one checks (DingTalk's and Feishu's
 * signatures and timestamps, the body format, WeCom's 4,096-byte markdown limit) and answers as the
 * real one does: HTTP 200 with errcode/code 0, or HTTP 200 with a non-zero code when refused.
 */
public final class ProviderStubs implements AutoCloseable {
    public static final String DINGTALK_SECRET = "SECstub0123456789abcdef";
    public static final String FEISHU_SECRET = "feishustubsecret";

    /** One message a stub accepted (or refused, with the code it answered). */
    public record Received(
            String provider, String text, JsonNode body, long arrivedNanos, int code) {}

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ObjectMapper json = new ObjectMapper();
    private volatile boolean refuseDingTalk;

    public ProviderStubs() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/cgi-bin/webhook/send", this::wecom);
        server.createContext("/robot/send", this::dingtalk);
        server.createContext("/open-apis/bot/v2/hook/stub", this::feishu);
        server.createContext("/bridge", this::webhook);
        server.start();
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String wecomUrl() {
        return base() + "/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";
    }

    public String dingtalkUrl() {
        return base() + "/robot/send?access_token=stubtoken0123";
    }

    public String feishuUrl() {
        return base() + "/open-apis/bot/v2/hook/stub";
    }

    public String webhookUrl() {
        return base() + "/bridge";
    }

    /** DingTalk answers errcode 310000 (bad signature) from now on, as a misconfigured robot. */
    public void refuseDingTalk(boolean refuse) {
        this.refuseDingTalk = refuse;
    }

    public List<Received> received(String provider) {
        return received.stream().filter(r -> r.provider().equals(provider)).toList();
    }

    public List<Received> all() {
        return new ArrayList<>(received);
    }

    private void wecom(HttpExchange ex) throws IOException {
        long at = System.nanoTime();
        JsonNode body = json.readTree(ex.getRequestBody());
        String content = body.path("markdown").path("content").asText("");
        if (!"markdown".equals(body.path("msgtype").asText())) {
            answer(ex, "{\"errcode\":40008,\"errmsg\":\"invalid message type\"}");
            return;
        }
        if (content.getBytes(StandardCharsets.UTF_8).length > 4096) {
            received.add(new Received("wecom", content, body, at, 40058));
            answer(
                    ex,
                    "{\"errcode\":40058,\"errmsg\":\"markdown.content exceed max length 4096\"}");
            return;
        }
        received.add(new Received("wecom", content, body, at, 0));
        answer(ex, "{\"errcode\":0,\"errmsg\":\"ok\"}");
    }

    private void dingtalk(HttpExchange ex) throws IOException {
        long at = System.nanoTime();
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        JsonNode body = json.readTree(ex.getRequestBody());
        long ts = Long.parseLong(q.getOrDefault("timestamp", "0"));
        String expected = Signatures.dingtalk(DINGTALK_SECRET, ts);
        boolean fresh = Math.abs(System.currentTimeMillis() - ts) < 3_600_000;
        if (refuseDingTalk || !expected.equals(q.get("sign")) || !fresh) {
            received.add(new Received("dingtalk", "", body, at, 310000));
            answer(
                    ex,
                    "{\"errcode\":310000,\"errmsg\":\"sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]\"}");
            return;
        }
        if (!"markdown".equals(body.path("msgtype").asText())
                || body.path("markdown").path("title").asText().isEmpty()) {
            answer(ex, "{\"errcode\":40035,\"errmsg\":\"missing parameter\"}");
            return;
        }
        received.add(
                new Received("dingtalk", body.path("markdown").path("text").asText(), body, at, 0));
        answer(ex, "{\"errcode\":0,\"errmsg\":\"ok\"}");
    }

    private void feishu(HttpExchange ex) throws IOException {
        long at = System.nanoTime();
        JsonNode body = json.readTree(ex.getRequestBody());
        long ts = Long.parseLong(body.path("timestamp").asText("0"));
        boolean fresh = Math.abs(System.currentTimeMillis() / 1000 - ts) < 3600;
        if (!Signatures.feishu(FEISHU_SECRET, ts).equals(body.path("sign").asText()) || !fresh) {
            received.add(new Received("feishu", "", body, at, 19021));
            answer(
                    ex,
                    "{\"code\":19021,\"msg\":\"sign match fail or timestamp is not within one hour from current time\"}");
            return;
        }
        if (!"interactive".equals(body.path("msg_type").asText())) {
            answer(ex, "{\"code\":9499,\"msg\":\"Bad Request\"}");
            return;
        }
        String text =
                body.path("card").path("header").path("title").path("content").asText()
                        + "\n"
                        + body.path("card")
                                .path("elements")
                                .path(0)
                                .path("text")
                                .path("content")
                                .asText();
        received.add(new Received("feishu", text, body, at, 0));
        answer(ex, "{\"code\":0,\"msg\":\"success\",\"data\":{}}");
    }

    private void webhook(HttpExchange ex) throws IOException {
        long at = System.nanoTime();
        JsonNode body = json.readTree(ex.getRequestBody());
        StringBuilder text = new StringBuilder(body.path("status").asText());
        for (JsonNode a : body.path("alerts")) {
            text.append('\n')
                    .append(a.path("labels").path("alertname").asText())
                    .append(' ')
                    .append(a.path("status").asText())
                    .append(' ')
                    .append(a.path("annotations").path("description").asText());
        }
        received.add(new Received("webhook", text.toString(), body, at, 0));
        answer(ex, "");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String p : raw.split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0) {
                out.put(
                        p.substring(0, eq),
                        URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void answer(HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length == 0 ? -1 : b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
