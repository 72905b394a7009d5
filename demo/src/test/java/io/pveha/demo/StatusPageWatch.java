package io.pveha.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.vm.HaVm;
import io.pveha.testing.browser.HeadlessChromium;
import io.pveha.testing.netns.NetnsLab;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Future;

/**
 * The demo's status page as people and scripts see it: a real headless Chromium (Debian's chromium
 * and chromedriver) opened once on the page and never reloaded (live updates only), and a script
 * reading {@code /status.json} every 100 ms. Screenshots of the key states go to {@code
 * target/screenshots/}.
 */
final class StatusPageWatch implements AutoCloseable {
    static final Path SHOTS = Path.of("target", "screenshots");

    /** The demo's ProxmoxCluster poll interval plus the page's sampling, plus writing and slack. */
    static final Duration ONE_UPDATE = Duration.ofSeconds(2 + 1 + 3);

    static final String DOM =
            "const q = (s) => Array.from(document.querySelectorAll(s));"
                    + "const main = document.getElementById('content');"
                    + "return JSON.stringify({"
                    + " marker: window.__pvehaMarker || 0,"
                    + " seq: Number(main.getAttribute('data-seq')),"
                    + " verdict: main.getAttribute('data-verdict'),"
                    + " clusters: q('tr[data-cluster]').map(e => e.getAttribute('data-cluster')),"
                    + " nodes: q('section.cluster tr[data-node][data-state]').map(e => e.getAttribute('data-node') + '=' + e.getAttribute('data-state')),"
                    + " vms: q('tr[data-vm]').map(e => e.getAttribute('data-vm')),"
                    + " incidents: q('article[data-incident]').map(e => e.getAttribute('data-incident') + '|' + e.getAttribute('data-open') + '|'"
                    + "   + Array.from(e.querySelectorAll('li[data-event]')).map(l => l.getAttribute('data-event')).join(',')),"
                    + " issues: q('ul.issues li').map(e => e.getAttribute('data-code')),"
                    + " alerts: q('tr[data-alert]').map(e => e.getAttribute('data-alert')),"
                    + " lbs: q('article.lb').map(e => e.getAttribute('data-lb') + '@' + e.getAttribute('data-holder')),"
                    + " backends: q('tr[data-backend]').map(e => e.getAttribute('data-backend') + '=' + e.getAttribute('data-state')),"
                    + " text: document.body.innerText"
                    + "});";

    private final Demo demo;
    private final boolean browser;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Snapshot> snapshots = new ArrayList<>();
    private HeadlessChromium chromium;
    private Thread reader;
    private volatile boolean reading = true;
    private String url;

    /** One /status.json the script read, when it first saw that update. */
    record Snapshot(Instant at, JsonNode json) {}

    StatusPageWatch(Demo demo, boolean browser) {
        this.demo = demo;
        this.browser = browser;
    }

    /** Chromium and chromedriver present; with CI=true their absence fails. */
    static boolean available() {
        return present("the browser part", HeadlessChromium.missing());
    }

    /** Root and the LB packages present; with CI=true their absence fails. */
    static boolean loadBalancerAvailable() {
        return present("the load-balancer part", NetnsLab.missing());
    }

    private static boolean present(String what, List<String> missing) {
        if (missing.isEmpty()) {
            return true;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(
                    "CI=true but "
                            + what
                            + " cannot run: "
                            + missing
                            + " (.ci/run installs the packages)");
        }
        System.out.println("DemoIT: skipping " + what + ": " + missing);
        return false;
    }

    void open() throws Exception {
        url = demo.statusPageUrl();
        reader = new Thread(this::readJson, "status-json-reader");
        reader.setDaemon(true);
        reader.start();
        if (browser) {
            chromium = HeadlessChromium.start("zh-CN", 1366, 768);
            chromium.open(url);
            chromium.script("window.__pvehaMarker = 42; return 1;");
        }
    }

    private void readJson() {
        long seq = -1;
        while (reading) {
            try {
                JsonNode j = json.readTree(get(url + "status.json", "zh-CN"));
                if (j.path("seq").asLong() != seq) {
                    seq = j.path("seq").asLong();
                    synchronized (snapshots) {
                        snapshots.add(new Snapshot(Instant.now(), j));
                    }
                }
                Thread.sleep(100); // the script's polling period, not an assertion
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // the demo is starting or stopping
            }
        }
    }

    String get(String address, String language) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(address))
                                .header("Accept-Language", language)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    JsonNode dom() throws Exception {
        return json.readTree(chromium.script(DOM).asText());
    }

    private List<Snapshot> snapshots() {
        synchronized (snapshots) {
            return List.copyOf(snapshots);
        }
    }

    /** Every HaVm of the demo is listed (on the page when there is a browser, else in the JSON). */
    boolean sawEverything() throws Exception {
        List<String> vms = names(HaVm.class);
        if (vms.size() < 5) {
            return false;
        }
        if (browser) {
            JsonNode d = dom();
            return strings(d.path("vms")).containsAll(vms) && d.path("nodes").size() == 3;
        }
        return get(url, "zh-CN").contains("data-vm=\"" + vms.get(vms.size() - 1) + "\"");
    }

    void everyClusterNodeAndVmShown() throws Exception {
        List<String> clusters =
                names(ProxmoxCluster.class).stream().map(n -> Demo.NAMESPACE + "/" + n).toList();
        List<String> vms = names(HaVm.class);
        List<String> nodes =
                demo
                        .client()
                        .resources(ProxmoxCluster.class)
                        .inNamespace(Demo.NAMESPACE)
                        .list()
                        .getItems()
                        .stream()
                        .flatMap(c -> c.getStatus().getNodes().stream())
                        .map(n -> n.getName())
                        .toList();
        assertThat(nodes).hasSize(3);
        String html = get(url, "zh-CN");
        for (String name : vms) {
            assertThat(html)
                    .as("the HTML lists HaVm %s", name)
                    .contains("data-vm=\"" + name + "\"");
        }
        if (!browser) {
            return;
        }
        JsonNode d = dom();
        assertThat(strings(d.path("clusters"))).containsExactlyElementsOf(clusters);
        assertThat(strings(d.path("vms"))).containsExactlyInAnyOrderElementsOf(vms);
        assertThat(strings(d.path("nodes")).stream().map(n -> n.split("=")[0]).toList())
                .containsExactlyInAnyOrderElementsOf(nodes);
        chromium.screenshot(SHOTS.resolve("01-ready.png"));
    }

    /**
     * The node's power-off shows on the page within one update of the poll that sees it, together
     * with its incident, without a reload.
     */
    void nodeFailureShownWithinOneUpdate(String node) throws Exception {
        Instant off = demo.failedAt().orElseThrow();
        // The script's view: the first update with the node offline already carries the incident.
        await().atMost(ONE_UPDATE.plusSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> firstWithNodeOffline(node) != null);
        Snapshot first = firstWithNodeOffline(node);
        assertThat(incidentsOpenFor(first.json(), node)).as("incident in the same update").isTrue();
        assertThat(Duration.between(off, first.at())).isLessThan(ONE_UPDATE);
        System.out.printf(
                "STATUS-PAGE node %s powered off -> /status.json shows it offline with its incident after %d ms%n",
                node, Duration.between(off, first.at()).toMillis());
        if (!browser) {
            return;
        }
        JsonNode[] seen = new JsonNode[1];
        await().atMost(ONE_UPDATE.plusSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> {
                            JsonNode d = dom();
                            seen[0] = d;
                            return strings(d.path("nodes")).contains(node + "=offline");
                        });
        Instant shown = Instant.now();
        JsonNode d = seen[0];
        assertThat(d.path("marker").asInt()).as("no reload").isEqualTo(42);
        assertThat(strings(d.path("incidents")))
                .anyMatch(i -> i.startsWith("node/" + node + "@") && i.contains("|true|node_down"));
        assertThat(strings(d.path("issues"))).contains("node_offline");
        assertThat(d.path("verdict").asText()).isEqualTo("partial_outage");
        assertThat(d.path("text").asText()).contains("节点 " + node + " 离线", "部分中断");
        assertThat(Duration.between(off, shown)).isLessThan(ONE_UPDATE.plusSeconds(1));
        System.out.printf(
                "STATUS-PAGE node %s powered off -> the browser shows it offline with its incident after %d ms, no reload%n",
                node, Duration.between(off, shown).toMillis());
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> strings(dom().path("alerts")).contains("NodeOffline"));
        chromium.screenshot(SHOTS.resolve("02-node-down.png"));
    }

    void recoveryShown(String node) throws Exception {
        if (!browser) {
            return;
        }
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () ->
                                strings(dom().path("incidents")).stream()
                                        .anyMatch(
                                                i ->
                                                        i.startsWith("node/" + node + "@")
                                                                && i.contains("vm_started")
                                                                && i.contains("recovered")));
        chromium.screenshot(SHOTS.resolve("03-recovered.png"));
    }

    void resolutionShown(String node) throws Exception {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> {
                            Snapshot s = last();
                            return s != null
                                    && !incidentsOpenFor(s.json(), node)
                                    && resolvedIn(s.json(), node);
                        });
        if (!browser) {
            return;
        }
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> {
                            JsonNode d = dom();
                            return strings(d.path("nodes")).contains(node + "=online")
                                    && strings(d.path("incidents")).stream()
                                            .anyMatch(
                                                    i ->
                                                            i.startsWith("node/" + node + "@")
                                                                    && i.contains("|false|")
                                                                    && i.endsWith(
                                                                            "node_down,fenced,vm_started,vm_started,recovered,resolved"));
                        });
        JsonNode d = dom();
        assertThat(d.path("marker").asInt()).as("no reload").isEqualTo(42);
        assertThat(strings(d.path("issues"))).doesNotContain("node_offline", "vm_down");
        chromium.screenshot(SHOTS.resolve("04-resolved.png"));
    }

    /**
     * The plan's three load-balancer lines, on the page (browser and JSON) and in the
     * LoadBalancerPair's status: a backend stopped (the service keeps answering, LbBackendDown
     * fires), the master stopped (VIP on lb2), the master restored (VIP back on lb1).
     */
    void loadBalancerLinesShown(DemoLoadBalancer lb, Future<?> running) throws Exception {
        boolean[] backendDown = new boolean[1];
        boolean[] onBackup = new boolean[1];
        await().atMost(Duration.ofSeconds(150))
                .pollInterval(Duration.ofMillis(150))
                .failFast("the demo stopped", running::isDone)
                .until(
                        () -> {
                            if (browser) {
                                JsonNode d = dom();
                                if (!backendDown[0]
                                        && strings(d.path("backends")).contains("pos-api-1=DOWN")
                                        && strings(d.path("alerts")).contains("LbBackendDown")) {
                                    backendDown[0] = true;
                                    assertThat(strings(d.path("issues"))).contains("backend_down");
                                    chromium.screenshot(SHOTS.resolve("05-backend-down.png"));
                                }
                                if (!onBackup[0]
                                        && strings(d.path("lbs")).contains("store-lb@lb2")) {
                                    onBackup[0] = true;
                                    assertThat(d.path("text").asText()).contains("VIP 在备用负载均衡器上");
                                    chromium.screenshot(SHOTS.resolve("06-vip-on-backup.png"));
                                }
                            }
                            return lb.done();
                        });
        assertThat(lb.failure()).isEmpty();
        List<DemoLoadBalancer.Step> steps = lb.steps();
        System.out.println("STATUS-PAGE load balancer steps: " + steps);
        assertThat(steps)
                .extracting(DemoLoadBalancer.Step::holder)
                .containsExactly("lb1", "lb2", "lb1");
        assertThat(steps.get(0).failed()).as("backend stopped: service unaffected").isZero();
        assertThat(steps.get(0).requests()).isPositive();
        // A VIP move may lose the SYN in flight (1 s client timeout); the traffic keeps flowing.
        assertThat(steps.get(1).failed()).as("master stopped").isLessThanOrEqualTo(2);
        assertThat(steps.get(2).failed()).as("master restored").isLessThanOrEqualTo(2);
        if (browser) {
            assertThat(backendDown[0])
                    .as("the browser showed pos-api-1 DOWN with its alert")
                    .isTrue();
            assertThat(onBackup[0]).as("the browser showed the VIP on lb2").isTrue();
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> strings(dom().path("lbs")).contains("store-lb@lb1"));
            assertThat(dom().path("marker").asInt()).as("no reload").isEqualTo(42);
            chromium.screenshot(SHOTS.resolve("07-vip-back.png"));
        }
        // The script's view saw each state in order.
        List<String> holders = new ArrayList<>();
        boolean downWithAlert = false;
        for (Snapshot s : snapshots()) {
            JsonNode l = s.json().at("/clusters/0/loadBalancers/0");
            String holder = l.path("vipHolder").asText("");
            if (!holder.isEmpty()
                    && (holders.isEmpty() || !holders.get(holders.size() - 1).equals(holder))) {
                holders.add(holder);
            }
            boolean down = false;
            for (JsonNode b : l.path("backends")) {
                down |=
                        "pos-api-1".equals(b.path("server").asText())
                                && "DOWN".equals(b.path("state").asText());
            }
            boolean alert = false;
            for (JsonNode a : s.json().at("/clusters/0/alerts")) {
                alert |=
                        "LbBackendDown".equals(a.path("alertname").asText())
                                && "firing".equals(a.path("state").asText());
            }
            downWithAlert |= down && alert;
        }
        assertThat(downWithAlert)
                .as("/status.json: pos-api-1 DOWN with LbBackendDown firing")
                .isTrue();
        assertThat(String.join(",", holders))
                .as("/status.json VIP holders")
                .contains("lb1,lb2,lb1");
        // And in the resource's own status.
        LoadBalancerPair pair =
                demo.client()
                        .resources(LoadBalancerPair.class)
                        .inNamespace(Demo.NAMESPACE)
                        .withName(DemoLoadBalancer.LB)
                        .get();
        assertThat(pair.getStatus().getVipHolder()).isEqualTo("lb1");
        assertThat(pair.getStatus().getBackendsSummary()).isEqualTo("2/2");
    }

    void phoneAndDesktopWithoutHorizontalScrolling() throws Exception {
        if (!browser) {
            return;
        }
        String overflow = "return document.documentElement.scrollWidth - window.innerWidth;";
        assertThat(chromium.script(overflow).asInt())
                .as("1366x768: horizontal overflow px")
                .isLessThanOrEqualTo(0);
        chromium.viewport(390, 844, true);
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> chromium.script("return window.innerWidth;").asInt() == 390);
        assertThat(chromium.script(overflow).asInt())
                .as("phone 390 px: horizontal overflow px")
                .isLessThanOrEqualTo(0);
        chromium.screenshot(SHOTS.resolve("08-phone.png"));
        chromium.viewport(1366, 768, false);
    }

    /** The server renders the whole page: without JavaScript it reads the same (and refreshes). */
    void readableWithoutJavaScript() throws Exception {
        String html = get(url, "en");
        assertThat(html).contains("<noscript><meta http-equiv=\"refresh\"");
        for (String vm : names(HaVm.class)) {
            assertThat(html).contains(vm);
        }
        if (!browser) {
            return;
        }
        chromium.javascript(false);
        chromium.open(url + "?lang=en");
        chromium.screenshot(SHOTS.resolve("09-no-javascript-en.png"));
        chromium.javascript(true);
    }

    /** Every request the browser made went to the status page's own origin. */
    void noRequestLeftTheMachine() throws Exception {
        if (!browser) {
            return;
        }
        List<String> requested = chromium.requestedUrls();
        // chrome:// and data: are served inside the browser (its blank tab before the page opens).
        List<String> network =
                requested.stream()
                        .filter(u -> !u.startsWith("chrome://") && !u.startsWith("data:"))
                        .distinct()
                        .toList();
        System.out.println("STATUS-PAGE the browser requested over the network: " + network);
        assertThat(network).isNotEmpty().allMatch(u -> u.startsWith(url), "on " + url);
        assertThat(network).anyMatch(u -> u.contains("status/events"));
    }

    /**
     * No value of any Secret of the demo (token, webhook URLs, signing keys, SSH key, VRRP
     * password).
     */
    void noSecretValueInPageOrJson() throws Exception {
        StringBuilder served = new StringBuilder();
        served.append(get(url, "zh-CN"))
                .append(get(url, "en"))
                .append(get(url + "status.json", "en"));
        if (browser) {
            served.append(chromium.script("return document.documentElement.outerHTML;").asText());
        }
        List<String> values = new ArrayList<>();
        for (Secret s : demo.client().secrets().inNamespace(Demo.NAMESPACE).list().getItems()) {
            if (s.getData() != null) {
                for (String v : s.getData().values()) {
                    values.add(new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8));
                }
            }
            if (s.getStringData() != null) {
                values.addAll(s.getStringData().values());
            }
        }
        assertThat(values).as("the demo's secret values").isNotEmpty();
        String page = served.toString();
        for (String v : values) {
            for (String line : v.strip().split("\n")) {
                if (line.strip().length() >= 8) {
                    assertThat(page).as("a Secret value").doesNotContain(line.strip());
                }
            }
        }
    }

    private Snapshot firstWithNodeOffline(String node) {
        for (Snapshot s : snapshots()) {
            for (JsonNode n : s.json().at("/clusters/0/nodes")) {
                if (node.equals(n.path("name").asText()) && !n.path("online").asBoolean(true)) {
                    return s;
                }
            }
        }
        return null;
    }

    private Snapshot last() {
        List<Snapshot> all = snapshots();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    private static boolean incidentsOpenFor(JsonNode status, String node) {
        for (JsonNode i : status.at("/clusters/0/incidents")) {
            if (node.equals(i.path("node").asText()) && i.path("open").asBoolean()) {
                return true;
            }
        }
        return false;
    }

    private static boolean resolvedIn(JsonNode status, String node) {
        for (JsonNode i : status.at("/clusters/0/incidents")) {
            if (node.equals(i.path("node").asText())
                    && !i.path("open").asBoolean()
                    && i.hasNonNull("resolvedAt")) {
                return true;
            }
        }
        return false;
    }

    private <T extends io.fabric8.kubernetes.api.model.HasMetadata> List<String> names(
            Class<T> kind) {
        return demo.client().resources(kind).inNamespace(Demo.NAMESPACE).list().getItems().stream()
                .map(r -> r.getMetadata().getName())
                .sorted()
                .toList();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Override
    public void close() {
        reading = false;
        if (reader != null) {
            reader.interrupt();
        }
        if (chromium != null) {
            chromium.close();
        }
    }
}
