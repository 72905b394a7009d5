package io.pveha.reconciler.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.pveha.api.ObjectRef;
import io.pveha.api.Pveha;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.ceph.CephPoolSpec;
import io.pveha.api.cluster.DisasterRecovery;
import io.pveha.api.cluster.DisasterRecoveryStatus;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.simulator.PveSimulator;
import io.pveha.simulator.TaskView;
import io.pveha.testing.SimHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store platform (a CephPool, the payment gateway, two POS VMs and the ERP database, all HA,
 * backed up nightly to one NFS export) runs on cluster A with a standby cluster B that mounts the
 * same export. A briefly unreachable A starts nothing; A lost, the one documented change ({@code
 * spec.disasterRecovery.activeCluster: standby}) rebuilds the platform on B: the Ceph pool first,
 * then every HaVm from its newest backup, stage by stage, HA-registered, Ready.
 */
class DisasterRecoveryIT {
    static final String POLICY = StorePlatform.POLICY;
    static final String STORAGE = StorePlatform.STORAGE;
    static final List<String> PLATFORM =
            List.of("payment-gateway", "pos-api-1", "pos-api-2", "erp-db");

    SimHarness h;
    PveSimulator a;
    PveSimulator b;

    @BeforeEach
    void start() {
        h = StorePlatform.startWithStandby(o -> o);
        a = h.sims.get(0);
        b = h.sims.get(1);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void aLostClusterIsRebuiltOnTheStandbyFromItsBackupsInTheDeclaredOrder() {
        declareStandby();
        cephPool();
        vm("payment-gateway", "payments", "pve2");
        vm("pos-api-1", "pos", "pve1");
        vm("pos-api-2", "pos", "pve2");
        vm("erp-db", "erp", "pve3");
        Map<String, Integer> vmidsOnA = new LinkedHashMap<>();
        for (String name : PLATFORM) {
            vmidsOnA.put(name, h.awaitReady(name, Duration.ofSeconds(90)).getStatus().getVmid());
        }
        assertThat(h.get("erp-db").getStatus().getPveCluster())
                .isEqualTo(a.cluster().clusterName());
        policy();
        backupNow("first");
        awaitPolicy(
                s -> s.getVms().size() == 4 && s.getPendingRun() == null, Duration.ofSeconds(120));
        backupNow("second");
        BackupPolicy backedUp =
                awaitPolicy(
                        s ->
                                "second".equals(s.getHandledBackupNow())
                                        && s.getPendingRun() == null
                                        && s.getVms().stream()
                                                .allMatch(
                                                        v ->
                                                                v.getCount() != null
                                                                        && v.getCount() == 2),
                        Duration.ofSeconds(120));
        Map<String, String> newest = new LinkedHashMap<>();
        backedUp.getStatus().getVms().forEach(v -> newest.put(v.getHaVm(), v.getVolume()));
        assertThat(newest).containsOnlyKeys(PLATFORM);
        DisasterRecoveryStatus.SiteInfo standby =
                await().atMost(Duration.ofSeconds(30))
                        .until(
                                () -> dr().getOther(),
                                o -> o != null && Boolean.TRUE.equals(o.getReachable()));
        assertThat(standby.getRole()).isEqualTo("standby");
        assertThat(standby.getClusterName()).isEqualTo(b.cluster().clusterName());

        // A briefly unreachable: nothing is restored anywhere, and the platform stays on A.
        long restoresBefore = b.requestStats().count("POST /nodes/{node}/qemu");
        a.nodeNames().forEach(n -> a.faults().networkOff(n));
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                h.readyReason(ProxmoxCluster.class, SimHarness.CLUSTER)
                                        .filter(r -> !"Ready".equals(r))
                                        .isPresent());
        await().during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(10))
                .until(() -> b.cluster().vms().isEmpty());
        a.nodeNames().forEach(n -> a.faults().networkOn(n));
        for (String name : PLATFORM) {
            h.awaitReady(name, Duration.ofSeconds(60));
            assertThat(h.get(name).getStatus().getRecovery()).isNull();
        }
        assertThat(b.requestStats().count("POST /nodes/{node}/qemu")).isEqualTo(restoresBefore);

        // A is lost for good; the documented change switches the platform to B.
        a.faults().loseCluster();
        long callsBefore = b.requestStats().total();
        Instant switched = Instant.now();
        long simSwitched = b.clock().nowEpochSeconds();
        switchToStandby();

        for (String name : PLATFORM) {
            h.awaitReady(name, Duration.ofSeconds(240));
        }
        DisasterRecoveryStatus.Recovery recovery =
                await().atMost(Duration.ofSeconds(60))
                        .until(
                                () -> dr().getRecovery(),
                                r -> r != null && RecoveryPlanner.COMPLETED.equals(r.getPhase()));
        double seconds = Duration.between(switched, Instant.now()).toMillis() / 1000.0;
        long simSeconds = b.clock().nowEpochSeconds() - simSwitched;
        long calls = b.requestStats().total() - callsBefore;
        System.out.printf(
                "DR recovery of %d VMs: %.1f s (%d simulated s at x60), %d PVE calls on the standby %s%n",
                PLATFORM.size(), seconds, simSeconds, calls, b.requestStats().snapshot());
        assertThat(recovery.getVmsTotal()).isEqualTo(4);
        assertThat(recovery.getVmsRestored()).isEqualTo(4);
        assertThat(recovery.getVmsFailed()).isZero();
        assertThat(recovery.getTargetClusterName())
                .isEqualTo(b.cluster().clusterName() + RecoveryPlanner.STANDBY_SUFFIX);
        assertThat(recovery.getBytesTotal()).isPositive();

        // Every VM from its newest backup, with its VMID (B had none of them), HA-registered.
        Map<String, HaVmStatus.Recovery> steps = new LinkedHashMap<>();
        for (String name : PLATFORM) {
            HaVm vm = h.get(name);
            HaVmStatus.Recovery r = vm.getStatus().getRecovery();
            steps.put(name, r);
            assertThat(r.getStep()).as(name).isEqualTo(RecoveryState.DONE);
            assertThat(r.getBackup()).as(name).isEqualTo(newest.get(name));
            assertThat(r.getFromCluster()).isEqualTo(a.cluster().clusterName());
            assertThat(vm.getStatus().getVmid()).as(name).isEqualTo(vmidsOnA.get(name));
            assertThat(vm.getStatus().getPveCluster())
                    .isEqualTo(b.cluster().clusterName() + RecoveryPlanner.STANDBY_SUFFIX);
            assertThat(b.cluster().vm(vm.getStatus().getVmid())).as(name).isPresent();
            assertThat(vm.getStatus().getHaState()).as(name).isEqualTo("started");
        }
        // The declared order: payments, then the POS VMs, then the ERP database.
        Instant paymentsDone = Instant.parse(steps.get("payment-gateway").getFinishedAt());
        Instant posDone =
                List.of("pos-api-1", "pos-api-2").stream()
                        .map(n -> Instant.parse(steps.get(n).getFinishedAt()))
                        .max(Instant::compareTo)
                        .orElseThrow();
        assertThat(Instant.parse(steps.get("pos-api-1").getStartedAt()))
                .isAfterOrEqualTo(paymentsDone);
        assertThat(Instant.parse(steps.get("pos-api-2").getStartedAt()))
                .isAfterOrEqualTo(paymentsDone);
        assertThat(Instant.parse(steps.get("erp-db").getStartedAt())).isAfterOrEqualTo(posDone);
        // The Ceph pool (and its storage) before any restore.
        List<TaskView> tasks = b.cluster().tasks();
        long poolCreated = startOf(tasks, "cephcreatepool");
        long firstRestore =
                tasks.stream()
                        .filter(t -> t.type().equals("qmrestore"))
                        .mapToLong(t -> startTime(t.upid()))
                        .min()
                        .orElseThrow();
        assertThat(poolCreated).isLessThanOrEqualTo(firstRestore);
        assertThat(tasks.stream().filter(t -> t.type().equals("qmrestore")).count())
                .as("one restore per VM")
                .isEqualTo(4);
        assertThat(events(ProxmoxCluster.class, SimHarness.CLUSTER))
                .contains("RecoveryStarted", "RecoveryCompleted");
        assertThat(events(HaVm.class, "erp-db")).contains("Recovered");
    }

    /**
     * The measurement for the issue: 100 HA VMs, one backup each, A lost, switched to B; prints the
     * recovery time and B's PVE calls. Extended: it repeats the path above at scale.
     */
    @Test
    @org.junit.jupiter.api.Tag("extended")
    void hundredVmsAreRebuiltOnTheStandby() {
        int count = 100;
        declareStandby();
        edit(
                c -> {
                    c.getSpec().getDisasterRecovery().setRestoreOrder(List.of());
                    c.getSpec().getDisasterRecovery().setMaxParallelRestoresPerNode(4);
                });
        cephPool();
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = String.format("vm-%03d", i);
            names.add(name);
            vm(name, "pos", "pve" + (1 + i % 3), 512);
        }
        for (String name : names) {
            h.awaitReady(name, Duration.ofSeconds(300));
        }
        policy();
        backupNow("once");
        awaitPolicy(
                s -> s.getVms().size() == count && s.getPendingRun() == null,
                Duration.ofSeconds(600));
        a.faults().loseCluster();
        long callsBefore = b.requestStats().total();
        Instant switched = Instant.now();
        long simSwitched = b.clock().nowEpochSeconds();
        switchToStandby();
        await().atMost(Duration.ofSeconds(900))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () -> dr().getRecovery(),
                        r -> r != null && RecoveryPlanner.COMPLETED.equals(r.getPhase()));
        double seconds = Duration.between(switched, Instant.now()).toMillis() / 1000.0;
        long simSeconds = b.clock().nowEpochSeconds() - simSwitched;
        long calls = b.requestStats().total() - callsBefore;
        System.out.printf(
                "DR recovery of %d VMs: %.1f s (%d simulated s at x60), %d PVE calls on the standby (%.1f per VM) %s%n",
                count,
                seconds,
                simSeconds,
                calls,
                calls / (double) count,
                b.requestStats().snapshot());
        assertThat(dr().getRecovery().getVmsRestored()).isEqualTo(count);
        assertThat(b.requestStats().count("POST /nodes/{node}/qemu"))
                .as("one restore per VM")
                .isEqualTo(count);
    }

    // ---------------------------------------------------------------- helpers

    private void declareStandby() {
        edit(c -> c.getSpec().setDisasterRecovery(StorePlatform.disasterRecovery(b)));
    }

    private void switchToStandby() {
        edit(
                c ->
                        c.getSpec()
                                .getDisasterRecovery()
                                .setActiveCluster(DisasterRecovery.ActiveCluster.standby));
    }

    private void edit(Consumer<ProxmoxCluster> change) {
        h.client
                .resources(ProxmoxCluster.class)
                .inNamespace(SimHarness.NS)
                .withName(SimHarness.CLUSTER)
                .edit(
                        c -> {
                            change.accept(c);
                            return c;
                        });
    }

    private DisasterRecoveryStatus dr() {
        ProxmoxCluster c =
                h.client
                        .resources(ProxmoxCluster.class)
                        .inNamespace(SimHarness.NS)
                        .withName(SimHarness.CLUSTER)
                        .get();
        return c.getStatus() == null || c.getStatus().getDisasterRecovery() == null
                ? new DisasterRecoveryStatus()
                : c.getStatus().getDisasterRecovery();
    }

    private void cephPool() {
        CephPool pool = new CephPool();
        pool.getMetadata().setName("vm-pool");
        pool.getMetadata().setNamespace(SimHarness.NS);
        CephPoolSpec spec = new CephPoolSpec();
        spec.setClusterRef(new ObjectRef(SimHarness.CLUSTER));
        spec.setSize(3);
        spec.setMinSize(2);
        spec.setAddStorage(true);
        pool.setSpec(spec);
        h.client.resources(CephPool.class).resource(pool).create();
    }

    private void vm(String name, String role, String node) {
        vm(name, role, node, 2048);
    }

    private void vm(String name, String role, String node, int memoryMiB) {
        StorePlatform.haVm(h, name, role, node, "vm-pool", 8, memoryMiB, vm -> {});
    }

    private void policy() {
        StorePlatform.nightlyPolicy(h);
    }

    private void backupNow(String token) {
        StorePlatform.annotate(h, BackupPolicy.class, POLICY, Pveha.ANNOTATION_BACKUP_NOW, token);
    }

    private BackupPolicy awaitPolicy(
            java.util.function.Predicate<BackupPolicyStatus> condition, Duration atMost) {
        return StorePlatform.awaitPolicy(h, condition, atMost);
    }

    private List<String> events(Class<?> kind, String name) {
        return h.client.v1().events().inNamespace(SimHarness.NS).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .filter(e -> kind.getSimpleName().equals(e.getInvolvedObject().getKind()))
                .map(Event::getReason)
                .toList();
    }

    private static long startOf(List<TaskView> tasks, String type) {
        return tasks.stream()
                .filter(t -> t.type().equals(type))
                .mapToLong(t -> startTime(t.upid()))
                .min()
                .orElseThrow(() -> new AssertionError("no " + type + " task on the standby"));
    }

    /** PVE's UPID carries the task's start time (hex seconds) in its fifth field. */
    private static long startTime(String upid) {
        return Long.parseLong(upid.split(":")[4], 16);
    }
}
