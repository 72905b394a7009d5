package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.simulator.PveSimulator;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Closing the simulator does not wait for requests held by a hang fault whose rule was removed. */
class SimulatorCloseIT {

    @Test
    void closeReleasesRequestsHeldByAHangFault() throws Exception {
        PveSimulator sim =
                PveSimulator.builder()
                        .manualClock()
                        .authFailureDelay(Duration.ZERO)
                        .build()
                        .start();
        PveHttp api = PveHttp.forSim(sim).withReadTimeout(Duration.ofSeconds(1));
        var hang = sim.faults().hang("^/version$");
        CompletableFuture<Void> held =
                CompletableFuture.runAsync(
                        () -> {
                            try {
                                api.get("/version");
                            } catch (RuntimeException timedOut) {
                                // the client gives up; the request thread in the simulator stays
                                // held
                            }
                        });
        held.get(10, TimeUnit.SECONDS);
        sim.faults().removeRule(hang);

        long start = System.nanoTime();
        sim.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
}
