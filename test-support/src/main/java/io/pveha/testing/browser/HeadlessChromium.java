package io.pveha.testing.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real headless Chromium (Debian's {@code chromium}) driven through Debian's {@code chromedriver}
 * with the W3C WebDriver protocol, plus Chrome DevTools commands chromedriver passes on: open a
 * page, run a script in it, emulate a phone's viewport, take screenshots, and list every request
 * the page made (from the DevTools network log). No download, no other client library.
 *
 * <p>Chromium runs with the flags that keep it off the network by itself (no background networking,
 * component updates, sync or QUIC) and a fresh profile, so the only requests are the page's own.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Process driver;
    private final Path profile;
    private final String base;
    private final String session;
    private final List<String> requests = new ArrayList<>();

    /** What this machine lacks to run it (empty: nothing). */
    public static List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add(CHROMIUM + " is not installed (Debian package chromium)");
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            missing.add(CHROMEDRIVER + " is not installed (Debian package chromium-driver)");
        }
        return missing;
    }

    /**
     * Starts chromedriver and one browser session.
     *
     * @param acceptLanguage the browser's language (Accept-Language), e.g. {@code zh-CN}
     */
    public static HeadlessChromium start(String acceptLanguage, int width, int height)
            throws IOException, InterruptedException {
        return new HeadlessChromium(acceptLanguage, width, height);
    }

    private HeadlessChromium(String acceptLanguage, int width, int height)
            throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        profile = Files.createTempDirectory("pveha-chromium-");
        driver =
                new ProcessBuilder(
                                CHROMEDRIVER.toString(),
                                "--port=" + port,
                                "--log-path=" + profile.resolve("chromedriver.log"))
                        .redirectErrorStream(true)
                        .redirectOutput(profile.resolve("chromedriver.out").toFile())
                        .start();
        base = "http://127.0.0.1:" + port;
        try {
            awaitDriver();
            ObjectNode options = JSON.createObjectNode();
            options.put("binary", CHROMIUM.toString());
            ArrayNode args = options.putArray("args");
            for (String arg :
                    List.of(
                            "--headless=new",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-quic",
                            "--no-first-run",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--disable-default-apps",
                            "--disable-extensions",
                            "--disable-dev-shm-usage",
                            "--hide-scrollbars",
                            "--lang=" + acceptLanguage,
                            "--window-size=" + width + "," + height,
                            "--user-data-dir=" + profile.resolve("profile"))) {
                args.add(arg);
            }
            options.putObject("prefs").put("intl.accept_languages", acceptLanguage);
            ObjectNode caps = JSON.createObjectNode();
            ObjectNode always = caps.putObject("capabilities").putObject("alwaysMatch");
            always.put("browserName", "chrome");
            always.set("goog:chromeOptions", options);
            always.putObject("goog:loggingPrefs").put("performance", "ALL");
            JsonNode created = call("POST", "/session", caps);
            session = created.path("value").path("sessionId").asText();
            viewport(width, height, false);
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void awaitDriver() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                JsonNode status = call("GET", "/status", null);
                if (status.path("value").path("ready").asBoolean()) {
                    return;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            if (!driver.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("chromedriver did not start");
            }
            Thread.sleep(50); // a waiting helper of the setup, not an assertion
        }
    }

    /** Navigates and waits until the document has loaded. */
    public void open(String url) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("url", url);
        call("POST", path("/url"), body);
    }

    /**
     * Runs {@code script} (a function body: use {@code return}) in the page; its result as JSON.
     */
    public JsonNode script(String script, Object... args) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("script", script);
        body.set("args", JSON.valueToTree(List.of(args)));
        return call("POST", path("/execute/sync"), body).path("value");
    }

    /** A DevTools command, e.g. {@code Emulation.setDeviceMetricsOverride}. */
    public JsonNode cdp(String command, Map<String, Object> params)
            throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("cmd", command);
        body.set("params", JSON.valueToTree(params));
        return call("POST", path("/goog/cdp/execute"), body).path("value");
    }

    /** The page's viewport in CSS pixels; {@code mobile}: a phone (touch, mobile layout rules). */
    public void viewport(int width, int height, boolean mobile)
            throws IOException, InterruptedException {
        cdp(
                "Emulation.setDeviceMetricsOverride",
                Map.of(
                        "width", width,
                        "height", height,
                        "deviceScaleFactor", mobile ? 2 : 1,
                        "mobile", mobile));
    }

    /** JavaScript on or off for the pages opened from now on. */
    public void javascript(boolean enabled) throws IOException, InterruptedException {
        cdp("Emulation.setScriptExecutionDisabled", Map.of("value", !enabled));
    }

    /** A PNG of the whole page (up to 8,000 CSS pixels high) at the current viewport's width. */
    public byte[] screenshot() throws IOException, InterruptedException {
        JsonNode size;
        try {
            size =
                    script(
                            "return [document.documentElement.clientWidth,"
                                    + " Math.min(8000, document.documentElement.scrollHeight)];");
        } catch (IOException e) {
            // Scripts are off in this page: the viewport alone.
            JsonNode shot = cdp("Page.captureScreenshot", Map.of("format", "png"));
            return Base64.getDecoder().decode(shot.path("data").asText());
        }
        JsonNode shot =
                cdp(
                        "Page.captureScreenshot",
                        Map.of(
                                "format",
                                "png",
                                "captureBeyondViewport",
                                true,
                                "clip",
                                Map.of(
                                        "x", 0,
                                        "y", 0,
                                        "width", size.get(0).asInt(),
                                        "height", size.get(1).asInt(),
                                        "scale", 1)));
        return Base64.getDecoder().decode(shot.path("data").asText());
    }

    public void screenshot(Path file) throws IOException, InterruptedException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, screenshot());
    }

    /**
     * Every URL the browser requested for its pages so far (documents, scripts, styles, images,
     * event streams, fetches), from the DevTools network log.
     */
    public List<String> requestedUrls() throws IOException, InterruptedException {
        JsonNode entries =
                call("POST", path("/se/log"), JSON.createObjectNode().put("type", "performance"))
                        .path("value");
        synchronized (requests) {
            for (JsonNode entry : entries) {
                JsonNode message = JSON.readTree(entry.path("message").asText()).path("message");
                if ("Network.requestWillBeSent".equals(message.path("method").asText())) {
                    requests.add(message.path("params").path("request").path("url").asText());
                }
            }
            return List.copyOf(requests);
        }
    }

    private String path(String suffix) {
        return "/session/" + session + suffix;
    }

    private JsonNode call(String method, String path, JsonNode body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json; charset=utf-8");
        request.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> response =
                http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
        if (response.statusCode() >= 400) {
            throw new IOException(
                    "WebDriver "
                            + method
                            + " "
                            + path
                            + ": "
                            + response.statusCode()
                            + " "
                            + json.path("value"));
        }
        return json;
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                call("DELETE", path(""), null);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the driver goes below anyway
        }
        driver.descendants().forEach(ProcessHandle::destroyForcibly);
        driver.destroyForcibly();
        try {
            driver.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory
        }
    }
}
