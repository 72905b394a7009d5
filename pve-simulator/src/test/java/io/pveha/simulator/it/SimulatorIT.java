package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.simulator.PveSimulator;
import io.pveha.simulator.TaskView;
import io.pveha.simulator.tasks.TaskDurations;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the HTTPS integration tests: one three-node simulator per test class on a manual clock,
 * so tasks run only when a test advances time, and a client with the simulator's API token.
 */
abstract class SimulatorIT {
    static PveSimulator sim;
    static PveHttp api;

    @BeforeAll
    static void startSimulator() {
        sim =
                PveSimulator.builder()
                        .pveVersion(8)
                        .nodes(3)
                        .manualClock()
                        .taskDurations(
                                TaskDurations.defaults().withNodeBoot(Duration.ofSeconds(30)))
                        .authFailureDelay(Duration.ZERO)
                        .nodeMemory(16L << 30)
                        .httpPort(0)
                        .build()
                        .start();
        api = PveHttp.forSim(sim);
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @AfterEach
    void resetFaults() {
        sim.faults().reset();
    }

    /** Advances simulated time second by second until the task has ended; returns its status. */
    static JsonNode awaitTask(String upid) {
        String node = upid.split(":")[1];
        for (int i = 0; i < 36_000; i++) {
            TaskView task = sim.cluster().task(upid).orElseThrow();
            if (!task.running()) {
                return api.get("/nodes/" + node + "/tasks/" + upid + "/status").data();
            }
            sim.clock().advance(Duration.ofSeconds(1));
        }
        throw new AssertionError("task did not end: " + upid);
    }

    /** Runs the task to its end and asserts it ended {@code OK}. */
    static void awaitOk(String upid) {
        JsonNode status = awaitTask(upid);
        assertThat(status.get("exitstatus").asText())
                .as("task %s log: %s", upid, sim.cluster().task(upid).orElseThrow().log())
                .isEqualTo("OK");
    }

    /** Runs the task to its end and returns its exit status (the error text for failed tasks). */
    static String exitStatus(String upid) {
        return awaitTask(upid).get("exitstatus").asText();
    }
}
