package io.pveha.demo.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The driver's side of the simulator processes: their inventory (the judge's source of truth) and
 * each cluster's control API (faults, node power, request counts), both plain HTTP on loopback.
 */
final class Sims {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One simulated cluster as its sim-host describes it. */
    record Cluster(
            int index,
            String name,
            String tokenId,
            String tokenSecret,
            String caPem,
            List<String> endpoints,
            List<String> nodes,
            String control,
            String inventory) {}

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<Cluster> clusters = new ArrayList<>();

    void add(JsonNode info) {
        String inventory = info.get("inventory").asText();
        for (JsonNode c : info.get("clusters")) {
            List<String> endpoints = new ArrayList<>();
            c.get("endpoints").forEach(e -> endpoints.add(e.asText()));
            List<String> nodes = new ArrayList<>();
            c.get("nodes").forEach(n -> nodes.add(n.asText()));
            clusters.add(
                    new Cluster(
                            c.get("index").asInt(),
                            c.get("name").asText(),
                            c.get("tokenId").asText(),
                            c.get("tokenSecret").asText(),
                            c.get("caPem").asText(),
                            endpoints,
                            nodes,
                            c.get("control").asText(),
                            inventory + "/inventory?cluster=" + c.get("index").asInt()));
        }
    }

    Cluster cluster(int index) {
        return clusters.stream().filter(c -> c.index() == index).findFirst().orElseThrow();
    }

    JsonNode inventory(Cluster c) {
        return get(c.inventory());
    }

    /** Requests PVE served so far, by "METHOD /path/{template}", and their total. */
    Map<String, Long> stats(Cluster c) {
        JsonNode data = get(c.control() + "/stats").get("data");
        Map<String, Long> out = new TreeMap<>();
        data.get("requests")
                .fields()
                .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
        out.put("total", data.get("total").asLong());
        return out;
    }

    Map<String, Long> statsAll() {
        Map<String, Long> sum = new TreeMap<>();
        for (Cluster c : clusters) {
            stats(c).forEach((k, v) -> sum.merge(k, v, Long::sum));
        }
        return sum;
    }

    static Map<String, Long> delta(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach(
                (k, v) -> {
                    long x = v - before.getOrDefault(k, 0L);
                    if (x != 0) {
                        d.put(k, x);
                    }
                });
        return d;
    }

    /** Sum of the write requests (POST, PUT, DELETE) in a stats map. */
    static long writes(Map<String, Long> stats) {
        return stats.entrySet().stream()
                .filter(e -> !e.getKey().startsWith("GET ") && !e.getKey().equals("total"))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    /**
     * The chaos faults on every cluster: {@code failRate} of requests answered 500 (a share {@code
     * after} of them once the request took effect), {@code hangRate} held for {@code hold} and then
     * handled.
     */
    void faultsOn(double failRate, double after, double hangRate, Duration hold) {
        for (Cluster c : clusters) {
            if (failRate > 0) {
                post(
                        c.control() + "/faults/fail-rate",
                        Map.of(
                                "path", ".",
                                "rate", String.valueOf(failRate),
                                "status", "500",
                                "reason", "Internal Server Error (chaos)",
                                "after", String.valueOf(after)));
            }
            if (hangRate > 0) {
                post(
                        c.control() + "/faults/hang",
                        Map.of(
                                "path", ".",
                                "rate", String.valueOf(hangRate),
                                "millis", String.valueOf(hold.toMillis())));
            }
        }
    }

    /** Removes every API fault rule (node power is left as it is). */
    void faultsOff() {
        for (Cluster c : clusters) {
            for (JsonNode rule : get(c.control() + "/faults").get("data")) {
                send("DELETE", c.control() + "/faults/" + rule.get("id").asText(), Map.of());
            }
        }
    }

    void power(Cluster c, String node, boolean on) {
        post(c.control() + "/nodes/" + node + (on ? "/power-on" : "/power-off"), Map.of());
    }

    private JsonNode get(String url) {
        return send("GET", url, Map.of());
    }

    private JsonNode post(String url, Map<String, String> form) {
        return send("POST", url, form);
    }

    private JsonNode send(String method, String url, Map<String, String> form) {
        String body =
                form.entrySet().stream()
                        .map(
                                e ->
                                        URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                                                + "="
                                                + URLEncoder.encode(
                                                        e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"));
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (method.equals("GET")) {
            request.GET();
        } else {
            request.header("Content-Type", "application/x-www-form-urlencoded")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                HttpResponse<byte[]> response =
                        http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() >= 300) {
                    throw new IllegalStateException(
                            method
                                    + " "
                                    + url
                                    + ": "
                                    + response.statusCode()
                                    + " "
                                    + new String(response.body(), StandardCharsets.UTF_8));
                }
                return response.body().length == 0
                        ? JSON.nullNode()
                        : JSON.readTree(response.body());
            } catch (IOException e) {
                last = e;
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException(method + " " + url + " failed", last);
    }
}
