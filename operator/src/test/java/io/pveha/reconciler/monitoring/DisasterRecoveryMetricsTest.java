package io.pveha.reconciler.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pveha.api.cluster.DisasterRecoveryStatus;
import io.pveha.cluster.ClusterKey;
import org.junit.jupiter.api.Test;

/**
 * The disaster-recovery families under the names the shipped rules use (PrometheusAlertmanagerIT's
 * scenario has no recovery nor drill, so its scrape cannot show them), present only while there is
 * something to say.
 */
class DisasterRecoveryMetricsTest {
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final MonitoringMetrics metrics = new MonitoringMetrics(registry);
    final ClusterKey key = new ClusterKey("store", "pve");

    @Test
    void aRecoveryAndADrillAreScrapedUnderTheRulesNamesAndVanishWithTheirRecords() {
        metrics.recovery(key, new DisasterRecoveryStatus());
        assertThat(registry.scrape()).doesNotContain("pveha_dr_");

        DisasterRecoveryStatus status = new DisasterRecoveryStatus();
        DisasterRecoveryStatus.Recovery r = new DisasterRecoveryStatus.Recovery();
        r.setPhase("Restoring");
        r.setTargetClusterName("store-b@standby");
        r.setVmsTotal(5);
        r.setVmsRestored(2);
        status.setRecovery(r);
        DisasterRecoveryStatus.Drill drill = new DisasterRecoveryStatus.Drill();
        drill.setResult("passed");
        drill.setRecoverySeconds(312L);
        status.setDrill(drill);
        metrics.recovery(key, status);
        String scrape = registry.scrape();
        assertThat(scrape)
                .contains(
                        "pveha_dr_recovery_complete{cluster=\"store/pve\",phase=\"Restoring\","
                                + "target=\"store-b@standby\"} 0.0",
                        "pveha_dr_recovery_vms{cluster=\"store/pve\",state=\"restored\"} 2.0",
                        "pveha_dr_recovery_vms{cluster=\"store/pve\",state=\"total\"} 5.0",
                        "pveha_dr_drill_last_success{cluster=\"store/pve\"} 1.0",
                        "pveha_dr_drill_recovery_seconds{cluster=\"store/pve\"} 312.0");

        drill.setResult("failed");
        drill.setRecoverySeconds(null);
        r.setPhase("Completed");
        metrics.recovery(key, status);
        scrape = registry.scrape();
        assertThat(scrape)
                .contains("pveha_dr_drill_last_success{cluster=\"store/pve\"} 0.0")
                .contains("phase=\"Completed\",target=\"store-b@standby\"} 1.0")
                .doesNotContain("phase=\"Restoring\"")
                .doesNotContain("pveha_dr_drill_recovery_seconds{");
    }
}
