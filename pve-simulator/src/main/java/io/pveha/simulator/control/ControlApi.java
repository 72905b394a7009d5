package io.pveha.simulator.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.simulator.api.Json;
import io.pveha.simulator.api.RequestParams;
import io.pveha.simulator.faults.ApiFaults;
import io.pveha.simulator.ha.HaLogEntry;
import io.pveha.simulator.ha.HaStatusView;
import io.pveha.simulator.ha.ShutdownPolicy;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulator's own control API under {@code /simulator/}, on every API port and on the
 * plain-HTTP port: faults, the clock, request statistics, tokens, state. Parameters come as query
 * parameters or a JSON/form body; answers are {@code {"data": ...}}; errors are 400/404 with {@code
 * message}. No authentication: the ports listen on loopback only. The endpoints are listed in the
 * module README. What it acts on is a {@link ControlTarget}.
 */
public final class ControlApi implements HttpHandler {
    private static final Pattern NODE_ACTION =
            Pattern.compile(
                    "^/simulator/nodes/([^/]+)/(power-off|power-on|network-off"
                            + "|network-on|shutdown|reboot|maintenance-enable|maintenance-disable)$");
    private static final Pattern STORAGE_ACTION =
            Pattern.compile("^/simulator/storage/([^/]+)/(fill|free|offline|online)$");
    private static final Pattern FAULT_RULE = Pattern.compile("^/simulator/faults/(\\d+)$");

    private final ControlTarget sim;

    public ControlApi(ControlTarget sim) {
        this.sim = sim;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toString();
        String path = exchange.getRequestPath();
        if (path.endsWith("/") && path.length() > 1) {
            path = path.substring(0, path.length() - 1);
        }
        try {
            Map<String, String> params = params(exchange);
            Object data = dispatch(method, path, params);
            send(exchange, 200, "OK", data, null);
        } catch (IllegalArgumentException | IllegalStateException e) {
            send(exchange, 400, "Bad Request", null, String.valueOf(e.getMessage()));
        } catch (NotFound e) {
            send(exchange, 404, "Not Found", null, "no control endpoint " + method + " " + path);
        }
    }

    private Object dispatch(String method, String path, Map<String, String> p) {
        Matcher m;
        if (method.equals("GET") && path.equals("/simulator")) {
            return overview();
        }
        if (method.equals("POST") && (m = NODE_ACTION.matcher(path)).matches()) {
            String node = m.group(1);
            switch (m.group(2)) {
                case "power-off" -> sim.faults().powerOff(node);
                case "power-on" -> sim.faults().powerOn(node);
                case "network-off" -> sim.faults().networkOff(node);
                case "network-on" -> sim.faults().networkOn(node);
                case "shutdown" -> sim.faults().shutdown(node);
                case "reboot" -> sim.faults().reboot(node);
                case "maintenance-enable" -> sim.faults().enableMaintenance(node);
                default -> sim.faults().disableMaintenance(node);
            }
            return nodeView(node);
        }
        if (method.equals("GET") && path.equals("/simulator/ha")) {
            return haView();
        }
        if (method.equals("GET") && path.equals("/simulator/ha/log")) {
            Instant since = Instant.ofEpochSecond(Long.parseLong(p.getOrDefault("since", "0")));
            List<Object> lines = new ArrayList<>();
            for (HaLogEntry entry : sim.haLog(since)) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("time", entry.time().getEpochSecond());
                line.put("level", entry.level());
                line.put("source", entry.source());
                line.put("message", entry.message());
                lines.add(line);
            }
            return lines;
        }
        if (method.equals("POST") && path.equals("/simulator/ha/shutdown-policy")) {
            sim.setHaShutdownPolicy(ShutdownPolicy.fromPve(required(p, "policy")));
            return haView();
        }
        if (method.equals("GET") && path.equals("/simulator/faults")) {
            return faultRules();
        }
        if (method.equals("POST") && path.equals("/simulator/faults/latency")) {
            return ruleView(
                    sim.faults()
                            .api()
                            .latency(
                                    required(p, "path"),
                                    p.get("method"),
                                    Duration.ofMillis(Long.parseLong(required(p, "millis")))));
        }
        if (method.equals("POST") && path.equals("/simulator/faults/fail-rate")) {
            return ruleView(
                    sim.faults()
                            .api()
                            .failRate(
                                    required(p, "path"),
                                    p.get("method"),
                                    Double.parseDouble(p.getOrDefault("rate", "1")),
                                    Integer.parseInt(p.getOrDefault("status", "500")),
                                    p.getOrDefault("reason", "injected failure"),
                                    Double.parseDouble(p.getOrDefault("after", "0"))));
        }
        if (method.equals("POST") && path.equals("/simulator/faults/hang")) {
            return ruleView(
                    sim.faults()
                            .api()
                            .hang(
                                    required(p, "path"),
                                    p.get("method"),
                                    Double.parseDouble(p.getOrDefault("rate", "1")),
                                    Duration.ofMillis(
                                            Long.parseLong(p.getOrDefault("millis", "0")))));
        }
        if (method.equals("DELETE") && (m = FAULT_RULE.matcher(path)).matches()) {
            if (!sim.faults().api().remove(Long.parseLong(m.group(1)))) {
                throw new IllegalArgumentException("no fault rule " + m.group(1));
            }
            return null;
        }
        if (method.equals("POST") && path.equals("/simulator/faults/fail-next-task")) {
            sim.faults().failNextTask(required(p, "type"), p.get("node"), required(p, "error"));
            return null;
        }
        if (method.equals("POST") && (m = STORAGE_ACTION.matcher(path)).matches()) {
            switch (m.group(2)) {
                case "fill" -> sim.faults().fillStorage(m.group(1), p.get("node"));
                case "free" -> sim.faults().freeStorage(m.group(1), p.get("node"));
                case "offline" -> sim.faults().storageOffline(m.group(1));
                default -> sim.faults().storageOnline(m.group(1));
            }
            return null;
        }
        if (method.equals("POST") && path.equals("/simulator/backups/corrupt")) {
            sim.faults().corruptBackup(required(p, "volid"), p.get("node"));
            return null;
        }
        if (method.equals("POST") && path.equals("/simulator/cluster/lose")) {
            sim.faults().loseCluster();
            return null;
        }
        if (method.equals("POST") && path.equals("/simulator/reset")) {
            sim.faults().reset();
            return null;
        }
        if (method.equals("GET") && path.equals("/simulator/clock")) {
            return clockView();
        }
        if (method.equals("POST") && path.equals("/simulator/clock")) {
            if (p.containsKey("scale")) {
                sim.clock().setScale(Double.parseDouble(p.get("scale")));
            }
            if (p.containsKey("advance")) {
                sim.clock()
                        .advance(
                                Duration.ofMillis(
                                        (long) (Double.parseDouble(p.get("advance")) * 1000)));
            }
            return clockView();
        }
        if (method.equals("GET") && path.equals("/simulator/stats")) {
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("total", sim.requestStats().total());
            stats.put("requests", sim.requestStats().snapshot());
            return stats;
        }
        if (method.equals("DELETE") && path.equals("/simulator/stats")) {
            sim.requestStats().reset();
            return null;
        }
        if (method.equals("POST") && path.equals("/simulator/tokens")) {
            String id = required(p, "tokenid");
            String secret = required(p, "secret");
            if (p.containsKey("privileges")) {
                sim.tokens()
                        .add(
                                id,
                                secret,
                                new LinkedHashSet<>(
                                        Arrays.asList(p.get("privileges").split("[,;\\s]+"))));
            } else {
                sim.tokens().add(id, secret);
            }
            return Map.of("tokenid", id);
        }
        if (method.equals("POST") && path.equals("/simulator/state/save")) {
            Path file = sim.saveState(p.containsKey("file") ? Path.of(p.get("file")) : null);
            return Map.of("file", file.toString());
        }
        throw new NotFound();
    }

    private Map<String, Object> overview() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cluster", sim.clusterName());
        data.put("quorate", sim.quorate() ? 1 : 0);
        List<Object> nodes = new ArrayList<>();
        for (String node : sim.nodeNames()) {
            nodes.add(nodeView(node));
        }
        data.put("nodes", nodes);
        data.put("clock", clockView());
        data.put("faults", faultRules());
        data.put("vms", sim.vmCount());
        return data;
    }

    private Map<String, Object> nodeView(String name) {
        ControlTarget.NodeInfo node = sim.node(name);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("node", name);
        view.put("power", node.power());
        view.put("network", node.networkUp() ? "up" : "down");
        view.put("online", node.online() ? 1 : 0);
        view.put("url", node.url());
        view.put("fingerprint", node.fingerprint());
        return view;
    }

    private Map<String, Object> haView() {
        HaStatusView status = sim.haStatus();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("master", status.masterNode().orElse(null));
        view.put("nodes", status.nodeStates());
        view.put("lrm", status.lrmStates());
        Map<String, Object> services = new LinkedHashMap<>();
        status.services()
                .forEach(
                        (sid, service) -> {
                            Map<String, Object> entry = new LinkedHashMap<>();
                            entry.put("state", service.state());
                            entry.put("node", service.node());
                            services.put(sid, entry);
                        });
        view.put("services", services);
        view.put("shutdown_policy", sim.haShutdownPolicy().pveName());
        return view;
    }

    private List<Object> faultRules() {
        List<Object> rules = new ArrayList<>();
        for (ApiFaults.Rule rule : sim.faults().api().rules()) {
            rules.add(ruleView(rule));
        }
        return rules;
    }

    private static Map<String, Object> ruleView(ApiFaults.Rule rule) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", rule.id());
        view.put("kind", rule.kind().name().toLowerCase(Locale.ROOT));
        view.put("path", rule.path().pattern());
        if (rule.method() != null) {
            view.put("method", rule.method());
        }
        switch (rule.kind()) {
            case LATENCY -> view.put("millis", rule.latency().toMillis());
            case FAIL -> {
                view.put("rate", rule.rate());
                view.put("status", rule.status());
                view.put("reason", rule.reason());
                if (rule.after() > 0) {
                    view.put("after", rule.after());
                }
            }
            case HANG -> {
                view.put("rate", rule.rate());
                if (!rule.latency().isZero()) {
                    view.put("millis", rule.latency().toMillis());
                }
            }
        }
        return view;
    }

    private Map<String, Object> clockView() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("now", sim.clock().now().toString());
        view.put("epoch", sim.clock().nowEpochSeconds());
        view.put("scale", sim.clock().scale());
        return view;
    }

    private static String required(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("parameter '" + name + "' is required");
        }
        return value;
    }

    /** Parameters from the query string and a JSON or form body; JSON arrays become comma lists. */
    private static Map<String, String> params(HttpServerExchange exchange) throws IOException {
        return RequestParams.read(
                exchange, value -> value.isArray() ? joinArray(value) : value.asText());
    }

    private static String joinArray(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return String.join(",", values);
    }

    private static void send(
            HttpServerExchange exchange, int status, String reason, Object data, String message) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("data", data);
        if (message != null) {
            envelope.put("message", message);
        }
        byte[] body = Json.bytes(envelope);
        exchange.setStatusCode(status);
        exchange.setReasonPhrase(reason);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json;charset=UTF-8");
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }

    /** An unknown control path. */
    private static final class NotFound extends RuntimeException {
        NotFound() {
            super(null, null, false, false);
        }
    }
}
