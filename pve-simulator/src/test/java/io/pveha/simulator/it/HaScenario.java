package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.simulator.PveSimulator;
import io.pveha.simulator.ha.HaLogEntry;
import io.pveha.simulator.ha.HaTimings;
import io.pveha.simulator.tasks.TaskDurations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of pve-ha-manager's regression scenarios replayed against a simulated cluster with the real
 * HTTPS API: the nodes of the test ({@code node1..}), a manual clock whose second 0 is the test's,
 * nodes that boot in one second (the reference simulator powers nodes on at once), and the expected
 * HA log lines with the reference times. {@link #verify} finds them in order in the simulator's HA
 * log and checks each time is within one reference round (20 s) of the reference.
 */
final class HaScenario implements AutoCloseable {
    /** pve-ha-manager's simulator loops every 20 s: the tolerance of "the same timing". */
    static final long REFERENCE_ROUND = 20;

    private static final Logger LOG = LoggerFactory.getLogger(HaScenario.class);
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    /** A log line expected at a reference time (seconds of the reference test). */
    record Expected(long referenceSecond, String message) {}

    /** A matched line: the reference time and the simulator's. */
    record Measured(Expected expected, long simulatorSecond) {
        long delta() {
            return simulatorSecond - expected.referenceSecond();
        }
    }

    final PveSimulator sim;
    final PveHttp api;
    private final String name;
    private final long tolerance;
    private final List<Expected> expected = new ArrayList<>();

    /** A scenario on PVE's own timings, compared with a tolerance of one reference round. */
    HaScenario(String name, String... nodes) {
        this(name, HaTimings.defaults(), REFERENCE_ROUND, nodes);
    }

    HaScenario(String name, HaTimings timings, long toleranceSeconds, String... nodes) {
        this.name = name;
        this.tolerance = toleranceSeconds;
        this.sim =
                PveSimulator.builder()
                        .pveVersion(8)
                        .nodeNames(nodes)
                        .manualClock()
                        .startTime(T0)
                        .haTimings(timings)
                        .taskDurations(TaskDurations.defaults().withNodeBoot(Duration.ofSeconds(1)))
                        .authFailureDelay(Duration.ZERO)
                        .build()
                        .start();
        this.api = PveHttp.forSim(sim);
    }

    /** Runs the cluster until second {@code second} of the scenario. */
    HaScenario at(long second) {
        long now = sim.clock().nowMillis() - T0.toEpochMilli();
        sim.clock().advance(Duration.ofMillis(Math.max(0, second * 1000 - now)));
        return this;
    }

    /**
     * A stopped guest on {@code node}, made an HA resource with {@code options} through the API.
     */
    void guest(String node, int vmid, String... options) {
        sim.cluster().createVm(node, vmid, Map.of("name", "vm" + vmid, "memory", "1024"));
        List<String> form = new ArrayList<>(List.of("sid", "vm:" + vmid));
        form.addAll(List.of(options));
        PveHttp.Resp resp = api.post("/cluster/ha/resources", form.toArray(String[]::new));
        assertThat(resp.status()).as(resp.toString()).isEqualTo(200);
    }

    void group(String group, String... options) {
        List<String> form = new ArrayList<>(List.of("group", group));
        form.addAll(List.of(options));
        PveHttp.Resp resp = api.post("/cluster/ha/groups", form.toArray(String[]::new));
        assertThat(resp.status()).as(resp.toString()).isEqualTo(200);
    }

    HaScenario expect(long referenceSecond, String message) {
        expected.add(new Expected(referenceSecond, message));
        return this;
    }

    /**
     * Every expected line appears in this order in the HA log (other lines may come between), each
     * within the tolerance (one reference round unless given) of its reference time; logs the
     * comparison table.
     */
    List<Measured> verify() {
        List<HaLogEntry> log = sim.ha().log();
        List<Measured> measured = new ArrayList<>();
        int from = 0;
        for (Expected e : expected) {
            int found = -1;
            for (int i = from; i < log.size(); i++) {
                if (log.get(i).message().equals(e.message())) {
                    found = i;
                    break;
                }
            }
            assertThat(found)
                    .as(
                            "%s: '%s' (reference t=%d) after line %d of the HA log:%n%s",
                            name, e.message(), e.referenceSecond(), from, lines(log))
                    .isNotNegative();
            measured.add(
                    new Measured(
                            e, (log.get(found).time().toEpochMilli() - T0.toEpochMilli()) / 1000));
            from = found + 1;
        }
        StringBuilder table =
                new StringBuilder(name + ": reference s | simulator s | delta | event\n");
        measured.forEach(
                m ->
                        table.append(
                                String.format(
                                        "%5d | %5d | %+4d | %s%n",
                                        m.expected().referenceSecond(),
                                        m.simulatorSecond(),
                                        m.delta(),
                                        m.expected().message())));
        LOG.info("{}", table);
        assertThat(measured)
                .as("%s: timings within %d s of the reference%n%s", name, tolerance, table)
                .allSatisfy(m -> assertThat(Math.abs(m.delta())).isLessThanOrEqualTo(tolerance));
        return measured;
    }

    /** The guest's {@code /cluster/resources} entry. */
    JsonNode resource(int vmid) {
        for (JsonNode entry : api.get("/cluster/resources", "type", "vm").data()) {
            if (entry.get("vmid").asInt() == vmid) {
                return entry;
            }
        }
        throw new AssertionError("no guest " + vmid + " in /cluster/resources");
    }

    /** The node's {@code /cluster/resources} entry. */
    JsonNode nodeResource(String node) {
        for (JsonNode entry : api.get("/cluster/resources", "type", "node").data()) {
            if (entry.get("node").asText().equals(node)) {
                return entry;
            }
        }
        throw new AssertionError("no node " + node + " in /cluster/resources");
    }

    /** Asserts where the guest runs as clients see it: node, power state and CRM state. */
    void assertPlacement(int vmid, String node, String status, String hastate) {
        JsonNode entry = resource(vmid);
        assertThat(entry.get("node").asText()).as("%s: node of vm:%d", name, vmid).isEqualTo(node);
        assertThat(entry.get("status").asText())
                .as("%s: status of vm:%d", name, vmid)
                .isEqualTo(status);
        assertThat(entry.get("hastate").asText())
                .as("%s: hastate of vm:%d", name, vmid)
                .isEqualTo(hastate);
    }

    long count(String message) {
        return sim.ha().log().stream().filter(e -> e.message().equals(message)).count();
    }

    private static String lines(List<HaLogEntry> log) {
        StringBuilder out = new StringBuilder();
        log.forEach(
                e ->
                        out.append((e.time().toEpochMilli() - T0.toEpochMilli()) / 1000)
                                .append(' ')
                                .append(e.source())
                                .append(": ")
                                .append(e.message())
                                .append('\n'));
        return out.toString();
    }

    @Override
    public void close() {
        sim.close();
    }
}
