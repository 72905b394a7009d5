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

/**
 * The disaster-recovery items: an incident from the switch until every VM is back, and a warning
 * when the drill on the standby failed.
 */
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

    @Test
    void aFailedDrillIsAWarningNamingWhatFailedAndAPassedOneResolvesIt() {
        DisasterRecoveryStatus status = new DisasterRecoveryStatus();
        DisasterRecoveryStatus.Drill drill = new DisasterRecoveryStatus.Drill();
        drill.setResult("running");
        status.setDrill(drill);
        assertThat(observation(status, null, BuiltinItem.DisasterRecoveryDrillFailed))
                .get()
                .extracting(Observation::verdict)
                .isEqualTo(Verdict.HOLD);

        drill.setResult("failed");
        drill.setMessage(
                "3 of 4 VMs restored and booted; erp-db: restore of"
                        + " nfs-backup:backup/vzdump-qemu-104-2026_12_05-02_00_00.vma.zst failed");
        Observation failed =
                observation(status, null, BuiltinItem.DisasterRecoveryDrillFailed).orElseThrow();
        assertThat(failed.verdict()).isEqualTo(Verdict.FAILING);
        assertThat(failed.severity()).isEqualTo(Severity.warning);
        assertThat(failed.summary().zh()).contains("灾备演练失败", "vzdump-qemu-104");
        assertThat(failed.summary().en()).contains("drill of cluster store failed", "erp-db");

        drill.setResult("passed");
        assertThat(observation(status, null, BuiltinItem.DisasterRecoveryDrillFailed))
                .get()
                .extracting(Observation::verdict)
                .isEqualTo(Verdict.OK);
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
        DisasterRecoveryStatus status = new DisasterRecoveryStatus();
        status.setRecovery(r);
        return observation(status, settings, BuiltinItem.DisasterRecovery);
    }

    private static Optional<Observation> observation(
            DisasterRecoveryStatus status, ClusterMonitoring settings, BuiltinItem item) {
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
                        status,
                        NOW);
        return BuiltinItems.evaluate(in, Topology.empty()).stream()
                .filter(o -> o.key().alertname().equals(item.name()))
                .findFirst();
    }
}
