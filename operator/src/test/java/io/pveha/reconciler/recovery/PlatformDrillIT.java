package io.pveha.reconciler.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.pveha.api.Pveha;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.cluster.DisasterRecovery;
import io.pveha.api.cluster.DisasterRecoveryStatus;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.vm.Nic;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.recovery.drill.PlatformDrillPlanner;
import io.pveha.simulator.PveSimulator;
import io.pveha.simulator.TaskView;
import io.pveha.simulator.VmView;
import io.pveha.testing.SimHarness;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole-platform disaster-recovery drill end to end: the store platform runs on simulated
 * cluster A with standby B (one shared NFS export, which B does not define); the drill fires on its
 * schedule (the operator's clock is stepped to the scheduled minute), restores every HaVm on B
 * under scratch VMIDs with NICs down, boots them stage by stage, destroys them, and leaves B as it
 * was; A sees no task. A second, on-demand run with the newest backup of one VM corrupted, and the
 * operator restarted in the middle, fails naming the volume, restores nothing twice and still
 * leaves nothing behind.
 */
class PlatformDrillIT {
    static final String POLICY = StorePlatform.POLICY;
    static final String STORAGE = StorePlatform.STORAGE;
    static final List<String> PLATFORM =
            List.of("payment-gateway", "pos-api-1", "pos-api-2", "erp-db");

    final StepClock clock = new StepClock();
    SimHarness h;
    PveSimulator a;
    PveSimulator b;

    @BeforeEach
    void start() {
        h = StorePlatform.startWithStandby(o -> o.operatorClock(clock));
        a = h.sims.get(0);
        b = h.sims.get(1);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void theScheduledDrillRebuildsThePlatformOnTheStandbyAndLeavesNothingBehind() throws Exception {
        Instant began = Instant.now();
        declareStandby();
        vm("payment-gateway", "payments", "pve2");
        vm("pos-api-1", "pos", "pve1");
        vm("pos-api-2", "pos", "pve2");
        vm("erp-db", "erp", "pve3");
        for (String name : PLATFORM) {
            h.awaitReady(name, Duration.ofSeconds(90));
        }
        policy();
        backupNow("first");
        BackupPolicy backedUp =
                awaitPolicy(
                        s ->
                                "first".equals(s.getHandledBackupNow())
                                        && s.getPendingRun() == null
                                        && s.getVms().size() == 4,
                        Duration.ofSeconds(120));
        Map<String, String> newest =
                backedUp.getStatus().getVms().stream()
                        .collect(
                                Collectors.toMap(
                                        BackupPolicyStatus.VmBackup::getHaVm,
                                        BackupPolicyStatus.VmBackup::getVolume));

        // On B: someone else's VM where the scratch VMIDs begin, someone else's VM with the
        // drill's tag (no marker), and a leftover of an earlier drill of this cluster whose
        // record was lost (tag and marker).
        String uid = cluster().getMetadata().getUid();
        b.cluster().createVm("pve1", 900000, Map.of("name", "foreign"));
        b.cluster()
                .createRunningVm(
                        "pve2", 950, Map.of("name", "foreign-tagged", "tags", "pveha-drill"));
        b.cluster()
                .createVm(
                        "pve3",
                        900500,
                        Map.of(
                                "name",
                                "lost-drill",
                                "tags",
                                "pveha-drill",
                                "description",
                                "an earlier drill\n" + PlatformDrillPlanner.MARKER + uid));
        Set<Integer> onBBefore = vmids(b);
        assertThat(defined(b, STORAGE)).as("B does not define the backup storage").isFalse();

        // The drill on a schedule: the next whole minute but one, which the operator's clock is
        // stepped to once the operator has computed it.
        Instant due = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(2));
        String schedule = due.atZone(ZoneOffset.UTC).toLocalTime().toString();
        edit(
                c -> {
                    DisasterRecovery.Drill drill = new DisasterRecovery.Drill();
                    drill.setEnabled(true);
                    drill.setSchedule(schedule);
                    drill.setBootTimeoutSeconds(120);
                    c.getSpec().getDisasterRecovery().setDrill(drill);
                });
        await().atMost(Duration.ofSeconds(30))
                .until(() -> drill() != null && due.toString().equals(drill().getNextRun()));
        assertThat(drill().getResult()).isNull();

        Watcher watcher = new Watcher(uid);
        watcher.start();
        long simStartA = a.clock().nowEpochSeconds();
        long callsBefore = b.requestStats().total();
        Instant stepped = Instant.now();
        clock.stepTo(due.plusSeconds(1));
        DisasterRecoveryStatus.Drill first =
                awaitDrill(d -> "scheduled".equals(d.getTrigger()) && finished(d), 120);
        double seconds = Duration.between(stepped, Instant.now()).toMillis() / 1000.0;
        long calls = b.requestStats().total() - callsBefore;
        watcher.stop();
        System.out.printf(
                "DR drill of %d VMs: recoverySeconds %d (operator clock), %.1f s wall from the"
                        + " schedule to the verdict, %d PVE calls on the standby %s%n",
                PLATFORM.size(),
                first.getRecoverySeconds(),
                seconds,
                calls,
                b.requestStats().snapshot());

        assertThat(first.getResult()).as(first.getMessage()).isEqualTo("passed");
        assertThat(first.getRecoverySeconds()).isPositive();
        assertThat(first.getMessage()).contains("4 of 4 VM(s) restored and booted");
        assertThat(first.getAddedStorages()).isEmpty();
        List<DisasterRecoveryStatus.DrillVm> platform =
                first.getVms().stream().filter(v -> !Boolean.TRUE.equals(v.getLeftover())).toList();
        assertThat(platform)
                .extracting(DisasterRecoveryStatus.DrillVm::getHaVm)
                .containsExactlyInAnyOrderElementsOf(PLATFORM);
        for (DisasterRecoveryStatus.DrillVm vm : platform) {
            assertThat(vm.getResult()).as(vm.getHaVm() + ": " + vm.getReason()).isEqualTo("Passed");
            assertThat(vm.getVolume()).isEqualTo(newest.get(vm.getHaVm()));
            assertThat(vm.getPhase()).isEqualTo("Done");
            assertThat(vm.getScratchVmid()).isGreaterThan(900000).isNotEqualTo(900500);
        }
        // The leftover of the lost record is found and destroyed; the foreign VMs are not.
        assertThat(first.getVms())
                .filteredOn(v -> Boolean.TRUE.equals(v.getLeftover()))
                .extracting(DisasterRecoveryStatus.DrillVm::getScratchVmid)
                .containsExactly(900500);
        assertThat(first.getMessage()).contains("1 leftover VM(s) of earlier drills destroyed");
        // Stages in order: a stage's first restore after the last VM of the stage before ran.
        for (int stage = 1; stage < 3; stage++) {
            int s = stage;
            Instant previousRan =
                    platform.stream()
                            .filter(v -> v.getStage() == s - 1)
                            .map(v -> Instant.parse(v.getRunningAt()))
                            .max(Instant::compareTo)
                            .orElseThrow();
            platform.stream()
                    .filter(v -> v.getStage() == s)
                    .forEach(
                            v ->
                                    assertThat(Instant.parse(v.getStartedAt()))
                                            .as(v.getHaVm())
                                            .isAfterOrEqualTo(previousRan));
        }
        // Every scratch VM ran with every NIC disconnected, no onboot, our marks, never in HA.
        assertThat(watcher.seen.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        platform.stream()
                                .map(DisasterRecoveryStatus.DrillVm::getScratchVmid)
                                .toList());
        watcher.seen
                .values()
                .forEach(
                        v -> {
                            List<String> nics =
                                    v.config().keySet().stream()
                                            .filter(k -> k.matches("net\\d+"))
                                            .toList();
                            assertThat(nics).as("VM %d has NICs", v.vmid()).isNotEmpty();
                            nics.forEach(
                                    n ->
                                            assertThat(v.config().get(n))
                                                    .as("VM %d %s", v.vmid(), n)
                                                    .contains("link_down=1"));
                            assertThat(v.config()).doesNotContainKey("onboot");
                        });
        assertThat(watcher.inHa).as("scratch VMs in B's HA resources").isEmpty();
        assertThat(watcher.unisolatedStarts).as("started before link_down was set").isEmpty();
        // B holds what it held before, less the leftover; the storage the drill added is gone.
        Set<Integer> expected = new TreeSet<>(onBBefore);
        expected.remove(900500);
        assertThat(vmids(b)).isEqualTo(expected);
        assertThat(defined(b, STORAGE)).as("the drill removed the storage it added").isFalse();
        assertThat(b.requestStats().count("POST /storage")).isEqualTo(1);
        // A was not touched: no task there since the drill began.
        assertThat(tasksSince(a, simStartA)).as("tasks on the primary").isEmpty();
        assertThat(h.condition(ProxmoxCluster.class, SimHarness.CLUSTER, "DrillPassed"))
                .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo(Conditions.TRUE));
        assertThat(h.readyReason(ProxmoxCluster.class, SimHarness.CLUSTER)).hasValue("Ready");
        assertThat(events("DisasterRecoveryDrillStarted")).isNotEmpty();
        assertThat(events("DisasterRecoveryDrillPassed")).isNotEmpty();

        // Second run, on demand: erp-db's newest backup is corrupted; the operator is restarted
        // while restores are in flight.
        String bad = newest.get("erp-db");
        a.faults().corruptBackup(bad, null);
        long simStartB = b.clock().nowEpochSeconds();
        annotateDrillNow("second");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () ->
                                drill() != null
                                        && "second".equals(drill().getHandledDrillNow())
                                        && drill().getVms().stream()
                                                .anyMatch(
                                                        v ->
                                                                v.getTask() != null
                                                                        && "Restore"
                                                                                .equals(
                                                                                        v.getTask()
                                                                                                .getAction())));
        h.stopOperator();
        Thread.sleep(1500);
        h.startOperator();
        DisasterRecoveryStatus.Drill second =
                awaitDrill(d -> "second".equals(d.getHandledDrillNow()) && finished(d), 120);
        assertThat(second.getResult()).as(second.getMessage()).isEqualTo("failed");
        assertThat(second.getMessage()).contains(bad);
        DisasterRecoveryStatus.DrillVm erp =
                second.getVms().stream()
                        .filter(v -> "erp-db".equals(v.getHaVm()))
                        .findFirst()
                        .orElseThrow();
        assertThat(erp.getResult()).isEqualTo("Failed");
        assertThat(erp.getReason()).contains(bad);
        assertThat(second.getVms())
                .filteredOn(v -> !"erp-db".equals(v.getHaVm()))
                .allSatisfy(v -> assertThat(v.getResult()).isEqualTo("Passed"));
        assertThat(second.getRecoverySeconds()).isNull();
        assertThat(events("DisasterRecoveryDrillFailed")).anyMatch(m -> m.contains(bad));
        assertThat(h.condition(ProxmoxCluster.class, SimHarness.CLUSTER, "DrillPassed"))
                .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo(Conditions.FALSE));
        assertThat(h.readyReason(ProxmoxCluster.class, SimHarness.CLUSTER))
                .as("a failed drill does not make the cluster unready")
                .hasValue("Ready");
        // ... but it pages: the monitoring item fires with the damaged volume in its message.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(
                                                h.client
                                                        .resources(ProxmoxCluster.class)
                                                        .inNamespace(SimHarness.NS)
                                                        .withName(SimHarness.CLUSTER)
                                                        .get()
                                                        .getStatus()
                                                        .getAlerting()
                                                        .getAlerts())
                                        .filteredOn(
                                                x ->
                                                        x.getAlertname()
                                                                .equals(
                                                                        "DisasterRecoveryDrillFailed"))
                                        .singleElement()
                                        .satisfies(
                                                x -> {
                                                    assertThat(x.getState()).isEqualTo("firing");
                                                    assertThat(x.getSummary()).contains(bad);
                                                }));
        // One restore per VM although the operator was restarted; nothing left behind.
        List<TaskView> restores =
                tasksSince(b, simStartB).stream()
                        .filter(t -> t.type().equals("qmrestore"))
                        .toList();
        assertThat(restores)
                .extracting(TaskView::id)
                .as("one restore per scratch VM")
                .doesNotHaveDuplicates()
                .hasSize(4);
        assertThat(vmids(b)).isEqualTo(expected);
        assertThat(defined(b, STORAGE)).isFalse();
        assertThat(tasksSince(a, simStartA)).as("tasks on the primary").isEmpty();
        System.out.printf(
                "PlatformDrillIT wall time %.1f s%n",
                Duration.between(began, Instant.now()).toMillis() / 1000.0);
    }

    /**
     * The measurement at scale: 100 HaVms of 512 MiB, one backup each, one stage, 4 restores per
     * standby node; an on-demand drill; prints the recovery time and the standby's PVE calls.
     */
    @Test
    @org.junit.jupiter.api.Tag("extended")
    void hundredVmsAreDrilledOnTheStandby() {
        int count = 100;
        declareStandby();
        edit(
                c -> {
                    c.getSpec().getDisasterRecovery().setRestoreOrder(List.of());
                    c.getSpec().getDisasterRecovery().setMaxParallelRestoresPerNode(4);
                });
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = String.format("vm-%03d", i);
            names.add(name);
            vm(name, "pos", "pve" + (1 + i % 3), 512, 1);
        }
        for (String name : names) {
            h.awaitReady(name, Duration.ofSeconds(300));
        }
        policy();
        backupNow("once");
        awaitPolicy(
                s -> s.getVms().size() == count && s.getPendingRun() == null,
                Duration.ofSeconds(600));
        Set<Integer> onBBefore = vmids(b);
        long callsBefore = b.requestStats().total();
        Instant started = Instant.now();
        annotateDrillNow("hundred");
        DisasterRecoveryStatus.Drill drill =
                awaitDrill(d -> "hundred".equals(d.getHandledDrillNow()) && finished(d), 900);
        double seconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;
        long calls = b.requestStats().total() - callsBefore;
        System.out.printf(
                "DR drill of %d VMs: recoverySeconds %d (operator clock), %.1f s wall to the verdict,"
                        + " %d PVE calls on the standby (%.1f per VM) %s%n",
                count,
                drill.getRecoverySeconds(),
                seconds,
                calls,
                calls / (double) count,
                b.requestStats().snapshot());
        assertThat(drill.getResult()).as(drill.getMessage()).isEqualTo("passed");
        assertThat(b.requestStats().count("POST /nodes/{node}/qemu"))
                .as("one restore per VM")
                .isEqualTo(count);
        assertThat(vmids(b)).isEqualTo(onBBefore);
    }

    // ---------------------------------------------------------------- the watcher

    /**
     * Samples B while the drill runs: every running VM with this cluster's marker (its config as it
     * ran), whether one is in B's HA resources, and any that ran with a NIC still connected.
     */
    final class Watcher {
        final String uid;
        final Map<Integer, VmView> seen = new ConcurrentHashMap<>();
        final Set<Integer> inHa = ConcurrentHashMap.newKeySet();
        final Set<Integer> unisolatedStarts = ConcurrentHashMap.newKeySet();
        final AtomicBoolean watching = new AtomicBoolean(true);
        Thread thread;

        Watcher(String uid) {
            this.uid = uid;
        }

        void start() {
            thread =
                    new Thread(
                            () -> {
                                while (watching.get()) {
                                    for (VmView v : b.cluster().vms()) {
                                        if (!String.valueOf(v.config().get("description"))
                                                .contains(PlatformDrillPlanner.MARKER + uid)) {
                                            continue;
                                        }
                                        if (b.ha().serviceState("vm:" + v.vmid()).isPresent()) {
                                            inHa.add(v.vmid());
                                        }
                                        if (v.running()) {
                                            seen.put(v.vmid(), v);
                                            boolean open =
                                                    v.config().entrySet().stream()
                                                            .anyMatch(
                                                                    e ->
                                                                            e.getKey()
                                                                                            .matches(
                                                                                                    "net\\d+")
                                                                                    && !e.getValue()
                                                                                            .contains(
                                                                                                    "link_down=1"));
                                            if (open) {
                                                unisolatedStarts.add(v.vmid());
                                            }
                                        }
                                    }
                                    try {
                                        Thread.sleep(20); // sampling period, not an assertion
                                    } catch (InterruptedException e) {
                                        return;
                                    }
                                }
                            });
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            watching.set(false);
            thread.join();
        }
    }

    /** The operator's clock: the system's, stepped forward by the test. */
    static final class StepClock extends Clock {
        private final AtomicLong offsetMillis = new AtomicLong();

        void stepTo(Instant at) {
            offsetMillis.set(Math.max(0, Duration.between(Instant.now(), at).toMillis()));
        }

        @Override
        public Instant instant() {
            return Instant.now().plusMillis(offsetMillis.get());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static boolean finished(DisasterRecoveryStatus.Drill d) {
        return d.getResult() != null
                && !"running".equals(d.getResult())
                && d.getFinishedAt() != null;
    }

    private DisasterRecoveryStatus.Drill awaitDrill(
            Predicate<DisasterRecoveryStatus.Drill> condition, int seconds) {
        return await().atMost(Duration.ofSeconds(seconds))
                .pollInterval(Duration.ofMillis(250))
                .until(this::drill, d -> d != null && condition.test(d));
    }

    private DisasterRecoveryStatus.Drill drill() {
        ProxmoxCluster c = cluster();
        return c.getStatus() == null || c.getStatus().getDisasterRecovery() == null
                ? null
                : c.getStatus().getDisasterRecovery().getDrill();
    }

    private ProxmoxCluster cluster() {
        return h.client
                .resources(ProxmoxCluster.class)
                .inNamespace(SimHarness.NS)
                .withName(SimHarness.CLUSTER)
                .get();
    }

    private static Set<Integer> vmids(PveSimulator sim) {
        return sim.cluster().vms().stream()
                .map(VmView::vmid)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Whether the simulator's storage.cfg holds {@code storage} (its storage status route). */
    private static boolean defined(PveSimulator sim, String storage) {
        try {
            sim.cluster().storageUsage(storage, sim.nodeNames().get(0));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static List<TaskView> tasksSince(PveSimulator sim, long epochSeconds) {
        return sim.cluster().tasks().stream()
                .filter(t -> Long.parseLong(t.upid().split(":")[4], 16) >= epochSeconds)
                .toList();
    }

    private List<String> events(String reason) {
        return h.client.v1().events().inNamespace(SimHarness.NS).list().getItems().stream()
                .filter(e -> SimHarness.CLUSTER.equals(e.getInvolvedObject().getName()))
                .filter(e -> reason.equals(e.getReason()))
                .map(Event::getMessage)
                .toList();
    }

    private void declareStandby() {
        edit(c -> c.getSpec().setDisasterRecovery(StorePlatform.disasterRecovery(b)));
    }

    /**
     * A spec edit as kubectl makes it: read, change, write; again on a conflict (the operator
     * writes status).
     */
    private void edit(Consumer<ProxmoxCluster> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                h.client
                        .resources(ProxmoxCluster.class)
                        .inNamespace(SimHarness.NS)
                        .withName(SimHarness.CLUSTER)
                        .edit(
                                c -> {
                                    change.accept(c);
                                    return c;
                                });
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private void annotateDrillNow(String token) {
        StorePlatform.annotate(
                h, ProxmoxCluster.class, SimHarness.CLUSTER, Pveha.ANNOTATION_DRILL_NOW, token);
    }

    private void vm(String name, String role, String node) {
        vm(name, role, node, 1024, 4);
    }

    private void vm(String name, String role, String node, int memoryMiB, int diskGiB) {
        StorePlatform.haVm(
                h,
                name,
                role,
                node,
                "local-lvm",
                diskGiB,
                memoryMiB,
                vm -> {
                    Nic nic = new Nic();
                    nic.setSlot("net0");
                    nic.setBridge("vmbr0");
                    vm.getSpec().setNetworks(List.of(nic));
                    vm.getSpec().setOnBoot(true);
                });
    }

    private void policy() {
        StorePlatform.nightlyPolicy(h);
    }

    private void backupNow(String token) {
        StorePlatform.annotate(h, BackupPolicy.class, POLICY, Pveha.ANNOTATION_BACKUP_NOW, token);
    }

    private BackupPolicy awaitPolicy(Predicate<BackupPolicyStatus> condition, Duration atMost) {
        return StorePlatform.awaitPolicy(h, condition, atMost);
    }
}
