package io.pveha.reconciler.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.api.cluster.DisasterRecoveryStatus;
import io.pveha.api.monitoring.BuiltinItem;
import io.pveha.api.monitoring.ClusterMonitoring;
import io.pveha.api.monitoring.MonitoringItem;
import io.pveha.api.monitoring.Severity;
import io.pveha.monitoring.Observation;
import io.pveha.monitoring.Observation.Verdict;
import io.pveha.monitoring.Topology;
import io.pveha.reconciler.recovery.RecoveryPlanner;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The disaster-recovery item: an incident from the switch until every VM is back. */
class DisasterRecoveryItemTest {
    static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void aRecoveryUnderWayIsACriticalIncidentCarryingItsProgressInBothLanguages() {
        DisasterRecoveryStatus.Recovery r = recovery(RecoveryPlanner.RESTORING, 2, 5, 0);
        r.setStage("2/3 pos");
        r.setEstimatedRemainingSeconds(380L);
        r.setMessage("2/5 VM(s) restored, 2 restoring; stage 2/3 pos; 95 s elapsed");

        Observation o = item(r, null).orElseThrow();

        assertThat(o.verdict()).isEqualTo(Verdict.FAILING);
        assertThat(o.severity()).isEqualTo(Severity.critical);
        assertThat(o.key().subject()).isEqualTo("cluster/store");
        assertThat(o.summary().zh()).contains("正在灾难恢复", "2/5", "2/3 pos", "380 秒");
        assertThat(o.summary().en()).contains("store-b@standby", "Restoring", "2/5 VM(s) restored");
    }

    @Test
    void itResolvesWhenEveryVmIsBackAndStaysFiringWhenSomeHadNoBackup() {
        assertThat(item(recovery(RecoveryPlanner.COMPLETED, 5, 5, 0), null).orElseThrow().verdict())
                .isEqualTo(Verdict.OK);
        Observation incomplete =
                item(recovery(RecoveryPlanner.INCOMPLETE, 4, 5, 1), null).orElseThrow();
        assertThat(incomplete.verdict()).isEqualTo(Verdict.FAILING);
        assertThat(incomplete.summary().zh()).contains("不完整", "4/5", "1 台没有可用备份");
        assertThat(
                        item(recovery(RecoveryPlanner.WAITING_FOR_PRIMARY, 0, 5, 0), null)
                                .orElseThrow()
                                .summary()
                                .zh())
                .contains("原主集群仍在运行");
    }

    @Test
    void noRecoveryNoObservationAndTheItemCanBeTurnedOff() {
        assertThat(item(null, null)).isEmpty();
        ClusterMonitoring off = new ClusterMonitoring();
        MonitoringItem i = new MonitoringItem();
        i.setName(BuiltinItem.DisasterRecovery);
        i.setEnabled(false);
        off.getItems().add(i);
        assertThat(item(recovery(RecoveryPlanner.RESTORING, 0, 5, 0), off)).isEmpty();
    }

    private static DisasterRecoveryStatus.Recovery recovery(
            String phase, int restored, int total, int failed) {
        DisasterRecoveryStatus.Recovery r = new DisasterRecoveryStatus.Recovery();
        r.setPhase(phase);
        r.setTargetClusterName("store-b@standby");
        r.setVmsRestored(restored);
        r.setVmsTotal(total);
        r.setVmsFailed(failed);
        return r;
    }

    private static Optional<Observation> item(
            DisasterRecoveryStatus.Recovery r, ClusterMonitoring settings) {
        BuiltinItems.Inputs in =
                new BuiltinItems.Inputs(
                        "store",
                        settings,
                        null,
                        true,
                        "unreachable",
                        List.of(),
                        List.of(),
                        List.of(),
                        Map.of(),
                        r,
                        NOW);
        return BuiltinItems.evaluate(in, Topology.empty()).stream()
                .filter(o -> o.key().alertname().equals(BuiltinItem.DisasterRecovery.name()))
                .findFirst();
    }
}
