package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The control API ({@code /simulator/...}) over plain HTTP, form-encoded, as a script with curl
 * calls it.
 */
final class ControlClient {
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    ControlClient(String base) {
        this.base = base;
    }

    JsonNode call(String method, String path) throws IOException, InterruptedException {
        return call(method, path, null);
    }

    /** Sends {@code form} (or nothing) and asserts a 200 answer; returns the parsed body. */
    JsonNode call(String method, String path, String form)
            throws IOException, InterruptedException {
        HttpRequest.BodyPublisher body =
                form == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(form);
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .method(method, body)
                        .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as(method + " " + path + ": " + response.body())
                .isEqualTo(200);
        return PveHttp.JSON.readTree(response.body());
    }
}
