package io.pveha.reconciler.recovery;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pveha.api.ObjectRef;
import io.pveha.api.SecretKeyRef;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicySpec;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.cluster.DisasterRecovery;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.api.vm.Disk;
import io.pveha.api.vm.EmptySource;
import io.pveha.api.vm.Ha;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.Placement;
import io.pveha.api.vm.Source;
import io.pveha.simulator.PveSimulator;
import io.pveha.testing.SimHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The example store platform of the disaster-recovery tests (recovery and drill): HA VMs placed on
 * nodes and labelled by role, one nightly BackupPolicy on a shared NFS export selecting them, and
 * the annotations that start a run now.
 */
final class StorePlatform {
    static final String POLICY = "nightly";
    static final String STORAGE = "nfs-backup";

    private StorePlatform() {}

    /**
     * Clusters A and B sharing one NFS export, simulated time x60 (backups and restores are minutes
     * of it), B declared only as the standby of "main" (its own ProxmoxCluster removed); {@code
     * more} adds a test's own options.
     */
    static SimHarness startWithStandby(UnaryOperator<SimHarness.Options> more) {
        SimHarness h =
                more.apply(SimHarness.options().simulators(2).sharedNfs().timeScale(60.0)).start();
        h.client
                .resources(ProxmoxCluster.class)
                .inNamespace(SimHarness.NS)
                .withName(SimHarness.clusterName(1))
                .delete();
        return h;
    }

    /**
     * An HA HaVm made from nothing, one disk, placed on {@code node}, selected by the policy;
     * {@code more} adds what a test needs besides.
     */
    static void haVm(
            SimHarness h,
            String name,
            String role,
            String node,
            String diskStorage,
            int diskGiB,
            int memoryMiB,
            Consumer<HaVm> more) {
        h.havm(
                name,
                vm -> {
                    vm.getMetadata().setLabels(Map.of("role", role, "backup", POLICY));
                    Source source = new Source();
                    source.setNone(new EmptySource());
                    vm.getSpec().setSource(source);
                    Disk disk = new Disk();
                    disk.setSlot("scsi0");
                    disk.setStorage(diskStorage);
                    disk.setSizeGiB(diskGiB);
                    vm.getSpec().setDisks(List.of(disk));
                    vm.getSpec().setMemoryMiB(memoryMiB);
                    Ha ha = new Ha();
                    ha.setEnabled(true);
                    vm.getSpec().setHa(ha);
                    Placement placement = new Placement();
                    placement.setNode(node);
                    vm.getSpec().setPlacement(placement);
                    more.accept(vm);
                });
    }

    /** The nightly policy: every HaVm labelled for it, to the NFS export, the last 3 kept. */
    static void nightlyPolicy(SimHarness h) {
        BackupPolicy policy = new BackupPolicy();
        policy.getMetadata().setName(POLICY);
        policy.getMetadata().setNamespace(SimHarness.NS);
        BackupPolicySpec spec = new BackupPolicySpec();
        spec.setClusterRef(new ObjectRef(SimHarness.CLUSTER));
        spec.setSchedule("*-01-01 00:00");
        BackupPolicySpec.Selection selection = new BackupPolicySpec.Selection();
        LabelSelector selector = new LabelSelector();
        selector.setMatchLabels(Map.of("backup", POLICY));
        selection.setHaVmSelector(selector);
        spec.setSelection(selection);
        BackupPolicySpec.BackupStorage storage = new BackupPolicySpec.BackupStorage();
        storage.setName(STORAGE);
        BackupPolicySpec.Nfs nfs = new BackupPolicySpec.Nfs();
        nfs.setServer("10.20.0.50");
        nfs.setExport("/srv/backup/pve");
        storage.setNfs(nfs);
        spec.setStorage(storage);
        spec.setRetention(new BackupPolicySpec.Retention());
        spec.getRetention().setKeepLast(3);
        policy.setSpec(spec);
        h.client.resource(policy).create();
    }

    /**
     * The disaster-recovery block naming simulator {@code standby} (the harness's second cluster,
     * with its own token and CA Secrets) and the store's restore order: the payment gateway, then
     * the POS VMs, then the ERP database, one restore per node at a time.
     */
    static DisasterRecovery disasterRecovery(PveSimulator standbySim) {
        DisasterRecovery dr = new DisasterRecovery();
        DisasterRecovery.Standby standby = new DisasterRecovery.Standby();
        standby.setEndpoints(standbySim.nodeNames().stream().map(standbySim::nodeUrl).toList());
        ProxmoxClusterSpec.CredentialsRef credentials = new ProxmoxClusterSpec.CredentialsRef();
        credentials.setName(SimHarness.tokenSecretName(1));
        standby.setCredentialsSecretRef(credentials);
        ProxmoxClusterSpec.Tls tls = new ProxmoxClusterSpec.Tls();
        tls.setCaSecretRef(new SecretKeyRef(SimHarness.caSecretName(1), null));
        standby.setTls(tls);
        dr.setStandby(standby);
        LabelSelector pos = new LabelSelector();
        pos.setMatchLabels(Map.of("role", "pos"));
        dr.setRestoreOrder(
                List.of(
                        new DisasterRecovery.RestoreStage(
                                "payments", List.of("payment-gateway"), null),
                        new DisasterRecovery.RestoreStage("pos", null, pos),
                        new DisasterRecovery.RestoreStage("erp", List.of("erp-db"), null)));
        dr.setMaxParallelRestoresPerNode(1);
        return dr;
    }

    /** Sets one annotation (backup-now, drill-now) with a merge patch: no conflict with status. */
    static <T extends HasMetadata> void annotate(
            SimHarness h, Class<T> kind, String name, String key, String value) {
        h.client
                .resources(kind)
                .inNamespace(SimHarness.NS)
                .withName(name)
                .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"annotations\":{\"" + key + "\":\"" + value + "\"}}}");
    }

    static BackupPolicy awaitPolicy(
            SimHarness h, Predicate<BackupPolicyStatus> condition, Duration atMost) {
        return await().atMost(atMost)
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () ->
                                h.client
                                        .resources(BackupPolicy.class)
                                        .inNamespace(SimHarness.NS)
                                        .withName(POLICY)
                                        .get(),
                        p -> p != null && p.getStatus() != null && condition.test(p.getStatus()));
    }
}
