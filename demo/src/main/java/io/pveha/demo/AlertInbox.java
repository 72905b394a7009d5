package io.pveha.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The demo's stand-in for the chat robots: the example's WeCom, DingTalk and Feishu webhook URLs
 * are pointed here (loopback only), and every message the operator sends is printed as the group
 * would read it. Answers as the providers do (HTTP 200, errcode/code 0).
 */
final class AlertInbox implements AutoCloseable {
    private final HttpServer server;
    private final PrintStream out;
    private final ObjectMapper json = new ObjectMapper();

    AlertInbox(PrintStream out) throws IOException {
        this.out = out;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Where a provider's URL goes in the demo: WeCom, DingTalk, Feishu by host, else a webhook. */
    String urlFor(String original) {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        if (original.contains("qyapi.weixin.qq.com")) {
            return base + "/wecom";
        }
        if (original.contains("dingtalk")) {
            return base + "/dingtalk";
        }
        if (original.contains("feishu") || original.contains("larksuite")) {
            return base + "/feishu";
        }
        return base + "/webhook";
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        JsonNode body = json.readTree(ex.getRequestBody());
        String text =
                switch (path) {
                    case "/wecom" -> body.path("markdown").path("content").asText();
                    case "/dingtalk" -> body.path("markdown").path("text").asText();
                    case "/feishu" ->
                            body.path("card").path("header").path("title").path("content").asText()
                                    + "\n"
                                    + body.path("card")
                                            .path("elements")
                                            .path(0)
                                            .path("text")
                                            .path("content")
                                            .asText();
                    default -> body.toString();
                };
        String who =
                switch (path) {
                    case "/wecom" -> "WeCom group robot (企业微信)";
                    case "/dingtalk" -> "DingTalk robot (钉钉)";
                    case "/feishu" -> "Feishu bot (飞书)";
                    default -> "webhook";
                };
        synchronized (out) {
            out.printf("%n>>> alert message to the %s:%n%s%n", who, text.strip());
        }
        byte[] answer =
                (path.equals("/feishu")
                                ? "{\"code\":0,\"msg\":\"success\"}"
                                : "{\"errcode\":0,\"errmsg\":\"ok\"}")
                        .getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, answer.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(answer);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
