package io.pveha.simulator.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveha.simulator.PveSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;

/**
 * A small PVE API client for tests: trusts the simulator's CA and exposes status, reason phrase and
 * body.
 */
public final class PveHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType FORM = MediaType.get("application/x-www-form-urlencoded");

    private final OkHttpClient client;
    private final String base;
    private final Map<String, String> headers;

    private PveHttp(OkHttpClient client, String base, Map<String, String> headers) {
        this.client = client;
        this.base = base;
        this.headers = headers;
    }

    /** A client for the first node's API, authenticated with the simulator's token. */
    public static PveHttp forSim(PveSimulator sim) {
        return forUrl(sim, sim.url()).withHeader("Authorization", sim.authorizationHeader());
    }

    /** An unauthenticated client for any base URL of the simulator. */
    public static PveHttp forUrl(PveSimulator sim, String baseUrl) {
        HandshakeCertificates trust =
                new HandshakeCertificates.Builder()
                        .addTrustedCertificate(sim.caCertificate())
                        .build();
        OkHttpClient client =
                new OkHttpClient.Builder()
                        .sslSocketFactory(trust.sslSocketFactory(), trust.trustManager())
                        .connectTimeout(Duration.ofSeconds(5))
                        .readTimeout(Duration.ofSeconds(30))
                        .build();
        return new PveHttp(client, baseUrl + "/api2/json", Map.of());
    }

    public PveHttp withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new PveHttp(client, base, copy);
    }

    public PveHttp withoutHeaders() {
        return new PveHttp(client, base, Map.of());
    }

    /** Same client with a different read timeout (for hang tests). */
    public PveHttp withReadTimeout(Duration timeout) {
        return new PveHttp(client.newBuilder().readTimeout(timeout).build(), base, headers);
    }

    public Resp get(String path, String... query) {
        HttpUrl.Builder url = HttpUrl.get(base + path).newBuilder();
        for (int i = 0; i < query.length; i += 2) {
            url.addQueryParameter(query[i], query[i + 1]);
        }
        return send(new Request.Builder().url(url.build()).get());
    }

    public Resp post(String path, String... form) {
        return send(new Request.Builder().url(base + path).post(form(form)));
    }

    public Resp put(String path, String... form) {
        return send(new Request.Builder().url(base + path).put(form(form)));
    }

    public Resp delete(String path, String... query) {
        HttpUrl.Builder url = HttpUrl.get(base + path).newBuilder();
        for (int i = 0; i < query.length; i += 2) {
            url.addQueryParameter(query[i], query[i + 1]);
        }
        return send(new Request.Builder().url(url.build()).delete());
    }

    /** A request with a raw body and content type (null: no Content-Type header). */
    public Resp raw(String method, String path, String body, String contentType) {
        RequestBody requestBody =
                body == null
                        ? null
                        : RequestBody.create(
                                body.getBytes(StandardCharsets.UTF_8),
                                contentType == null ? null : MediaType.get(contentType));
        return send(new Request.Builder().url(base + path).method(method, requestBody));
    }

    private static RequestBody form(String... pairs) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return RequestBody.create(body.toString().getBytes(StandardCharsets.UTF_8), FORM);
    }

    private Resp send(Request.Builder request) {
        headers.forEach(request::header);
        try (Response response = client.newCall(request.build()).execute()) {
            String text = response.body().string();
            JsonNode json = text.isEmpty() ? null : JSON.readTree(text);
            return new Resp(response.code(), response.message(), json, text, response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A response: status, reason phrase, parsed body (null if empty). */
    public record Resp(int status, String reason, JsonNode body, String raw, Headers headers) {
        public JsonNode data() {
            if (status != 200) {
                throw new AssertionError("expected 200, got " + status + " " + reason + " " + raw);
            }
            return body.get("data");
        }

        @Override
        public String toString() {
            return status + " " + reason + " " + raw;
        }
    }
}
