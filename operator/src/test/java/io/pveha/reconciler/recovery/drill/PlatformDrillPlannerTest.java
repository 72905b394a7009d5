package io.pveha.reconciler.recovery.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.pveha.api.PendingTask;
import io.pveha.api.Pveha;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicySpec;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.cluster.DisasterRecovery;
import io.pveha.api.cluster.DisasterRecoveryStatus.Drill;
import io.pveha.api.cluster.DisasterRecoveryStatus.DrillVm;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.api.vm.HaVm;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.reconciler.recovery.drill.PlatformDrillPlanner.Action;
import io.pveha.reconciler.recovery.drill.PlatformDrillPlanner.AddStorage;
import io.pveha.reconciler.recovery.drill.PlatformDrillPlanner.ConfigRef;
import io.pveha.reconciler.recovery.drill.PlatformDrillPlanner.Plan;
import io.pveha.reconciler.recovery.drill.PlatformDrillPlanner.RemoveStorage;
import io.pveha.reconciler.recovery.drill.PlatformDrillPlanner.Step;
import io.pveha.reconciler.recovery.drill.PlatformDrillPlanner.VmTask;
import io.pveha.reconciler.task.TaskLedger.State;
import io.pveha.reconciler.task.TaskLedger.TaskFact;
import io.pveha.testing.Snapshots;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The drill's planner without a network: a small model of the standby (VMs, configs, storages,
 * tasks that end at the next pass) carries out each plan, and every pass is checked against the
 * nevers.
 */
class PlatformDrillPlannerTest {
    static final Instant T0 = Instant.parse("2026-12-06T02:00:00Z");
    static final String UID = "uid-main";
    static final String NFS = "nfs-backup";

    // ---------------------------------------------------------------- a whole run

    @Test
    void aDrillRestoresEveryVmInStageOrderWithinTheCapBootsThemIsolatedAndLeavesNothing() {
        Standby world = new Standby(List.of("pve1", "pve2"));
        world.vm(950, "pve1", "running", Map.of("name", "foreign"));
        Map<Integer, World.Vm> before = world.copyVms();
        ProxmoxCluster cluster = cluster(c -> drillNow(c, "one"));
        Run run = new Run(cluster, world);

        Drill drill = run.toEnd();

        assertThat(drill.getResult()).as(drill.getMessage()).isEqualTo("passed");
        assertThat(drill.getTrigger()).isEqualTo("on-demand");
        assertThat(drill.getHandledDrillNow()).isEqualTo("one");
        assertThat(drill.getVms())
                .extracting(DrillVm::getHaVm)
                .containsExactly("payment-gateway", "pos-api-1", "pos-api-2", "erp-db");
        assertThat(drill.getVms()).allSatisfy(v -> assertThat(v.getResult()).isEqualTo("Passed"));
        assertThat(drill.getRecoverySeconds()).isNotNull().isPositive();
        assertThat(drill.getMessage()).startsWith("4 of 4 VM(s) restored and booted");
        // The standby as it was: scratch VMs destroyed, the storage the drill added removed.
        assertThat(world.vms).isEqualTo(before);
        assertThat(world.storages).doesNotContain(NFS);
        assertThat(run.added).containsExactly(NFS);
        assertThat(run.removed).containsExactly(NFS);
        // One restore per VM, each with a scratch VMID from 900000 up, isolated, never HA.
        assertThat(run.restores).hasSize(4);
        assertThat(run.restores.values()).allSatisfy(p -> assertThat(p).containsEntry("unique", 1));
        assertThat(run.restores.keySet()).containsExactly(900000, 900001, 900002, 900003);
        // Stage order and the cap (1 per node) were checked at every pass by Run.
        assertThat(run.maxRestoringPerNode).isEqualTo(1);
        assertThat(run.notes)
                .contains("DisasterRecoveryDrillStarted", "DisasterRecoveryDrillPassed");
        assertThat(run.verdict).hasValueSatisfying(v -> assertThat(v.ok()).isTrue());
    }

    @Test
    void aCorruptedArchiveFailsItsVmWithTheVolumeNamedAndTheOthersGoOn() {
        Standby world = new Standby(List.of("pve1", "pve2"));
        world.storages.add(NFS);
        world.corrupt.add(volume("erp-db"));
        Run run = new Run(cluster(c -> drillNow(c, "x")), world);

        Drill drill = run.toEnd();

        assertThat(drill.getResult()).isEqualTo("failed");
        assertThat(drill.getMessage()).contains(volume("erp-db"));
        DrillVm erp = drill.getVms().get(3);
        assertThat(erp.getResult()).isEqualTo("Failed");
        assertThat(erp.getReason()).contains("restoring " + volume("erp-db") + " failed");
        assertThat(drill.getVms().subList(0, 3))
                .allSatisfy(v -> assertThat(v.getResult()).isEqualTo("Passed"));
        assertThat(drill.getRecoverySeconds()).isNull();
        assertThat(world.vms).isEmpty();
        assertThat(world.storages).as("a storage the standby had stays").contains(NFS);
        assertThat(run.notes).contains("DisasterRecoveryDrillFailed");
        assertThat(run.verdict).hasValueSatisfying(v -> assertThat(v.ok()).isFalse());
    }

    @Test
    void theScheduleStartsADrillWhenDueAndNotBefore() {
        Standby world = new Standby(List.of("pve1"));
        world.storages.add(NFS);
        ProxmoxCluster cluster = cluster(c -> enable(c, "sun 02:00"));
        Plan early = PlatformDrillPlanner.plan(null, facts(cluster, world), T0.minusSeconds(60));
        assertThat(early.drill().getNextRun()).isEqualTo(T0.toString());
        assertThat(early.drill().getResult()).isNull();
        assertThat(early.actions()).isEmpty();
        assertThat(early.requeue()).isEqualTo(java.time.Duration.ofSeconds(61));

        Plan due = PlatformDrillPlanner.plan(early.drill(), facts(cluster, world), T0);
        assertThat(due.drill().getResult()).isEqualTo("running");
        assertThat(due.drill().getTrigger()).isEqualTo("scheduled");
        assertThat(due.drill().getNextRun())
                .isEqualTo(T0.plus(java.time.Duration.ofDays(7)).toString());
        assertThat(due.actions()).hasSize(1).first().isInstanceOf(VmTask.class);
    }

    // ---------------------------------------------------------------- the nevers

    @Test
    void aVmWithoutTheMarkerIsNeverStoppedOrDestroyed() {
        Standby world = new Standby(List.of("pve1"));
        world.vm(
                900000,
                "pve1",
                "running",
                Map.of("tags", "pveha-drill", "description", "not ours"));
        Drill drill = running(vm("erp-db", PlatformDrillPlanner.CLEANING_UP, 900000, "pve1"));
        ProxmoxCluster cluster = cluster(c -> {});

        Plan plan = planWithConfigs(drill, cluster, world, T0);

        assertThat(plan.actions()).isEmpty();
        DrillVm vm = plan.drill().getVms().get(0);
        assertThat(vm.getPhase()).isEqualTo("Done");
        assertThat(vm.getResult()).isEqualTo("Failed");
        assertThat(vm.getReason()).contains("does not carry the drill's marks; it was left alone");
    }

    @Test
    void theSweepDestroysOnlyLeftoversWithThisClustersMarker() {
        Standby world = new Standby(List.of("pve1"));
        world.storages.add(NFS);
        world.vm(700, "pve1", "running", Map.of("tags", "pveha-drill", "description", "other"));
        world.vm(
                701,
                "pve1",
                "running",
                Map.of(
                        "tags",
                        "pveha-drill",
                        "description",
                        PlatformDrillPlanner.MARKER + "uid-other-cluster"));
        world.vm(
                702,
                "pve1",
                "stopped",
                Map.of("tags", "pveha-drill", "description", PlatformDrillPlanner.MARKER + UID));
        world.vm(703, "pve1", "running", Map.of("description", PlatformDrillPlanner.MARKER + UID));
        Run run = new Run(cluster(c -> drillNow(c, "sweep")), world);

        Drill drill = run.toEnd();

        assertThat(world.vms.keySet()).containsExactlyInAnyOrder(700, 701, 703);
        assertThat(drill.getVms())
                .filteredOn(v -> Boolean.TRUE.equals(v.getLeftover()))
                .extracting(DrillVm::getScratchVmid)
                .containsExactly(702);
        assertThat(drill.getMessage()).contains("1 leftover VM(s) of earlier drills destroyed");
        assertThat(drill.getResult()).isEqualTo("passed");
    }

    @Test
    void aRecordedRestoreIsNeverSentTwice() {
        Standby world = new Standby(List.of("pve1"));
        world.storages.add(NFS);
        ProxmoxCluster cluster = cluster(c -> {});
        DrillVm restoring = vm("erp-db", PlatformDrillPlanner.RESTORING, 900000, "pve1");
        restoring.setVolume(volume("erp-db"));
        restoring.setTask(new PendingTask("Restore", "pve1", "qmrestore", "900000", T0.toString()));

        // The task runs (or is not known yet): nothing is sent.
        for (State state : List.of(State.RUNNING, State.UNKNOWN)) {
            Plan plan =
                    PlatformDrillPlanner.plan(
                            running(restoring),
                            facts(cluster, world, Map.of(0, fact(state, restoring.getTask()))),
                            T0);
            assertThat(plan.actions()).as(state.name()).isEmpty();
            assertThat(plan.drill().getVms().get(0).getTask()).isNotNull();
        }
        // The intent never reached PVE (the ledger says so after its grace): sent again, same
        // VMID.
        Plan again =
                PlatformDrillPlanner.plan(
                        running(restoring),
                        facts(
                                cluster,
                                world,
                                Map.of(0, fact(State.NOT_STARTED, restoring.getTask()))),
                        T0);
        assertThat(again.actions())
                .singleElement()
                .satisfies(
                        a -> {
                            VmTask t = (VmTask) a;
                            assertThat(t.step()).isEqualTo(Step.RESTORE);
                            assertThat(t.vmid()).isEqualTo(900000);
                        });
        assertThat(again.ended()).containsExactly(0);
        // No task known and the VMID exists: never restored over; judged by its marks instead.
        world.vm(900000, "pve1", "stopped", Map.of("tags", "pveha-drill", "description", "x"));
        DrillVm noTask = vm("erp-db", PlatformDrillPlanner.RESTORING, 900000, "pve1");
        noTask.setVolume(volume("erp-db"));
        Plan taken = planWithConfigs(running(noTask), cluster, world, T0);
        assertThat(taken.actions()).isEmpty();
        assertThat(taken.drill().getVms().get(0).getReason())
                .contains("was taken on the standby before the restore was sent");
    }

    @Test
    void aVmIsNeverStartedBeforeLinkDownIsReadBack() {
        Standby world = new Standby(List.of("pve1"));
        world.storages.add(NFS);
        world.vm(
                900000,
                "pve1",
                "stopped",
                Map.of(
                        "tags",
                        "pveha-drill",
                        "description",
                        PlatformDrillPlanner.MARKER + UID,
                        "net0",
                        "virtio=BC:24:11:00:00:01,bridge=vmbr0",
                        "net1",
                        "virtio=BC:24:11:00:00:02,bridge=vmbr1,link_down=1",
                        "onboot",
                        "1"));
        ProxmoxCluster cluster = cluster(c -> {});
        DrillVm configuring = vm("erp-db", PlatformDrillPlanner.CONFIGURING, 900000, "pve1");

        Plan first = planWithConfigs(running(configuring), cluster, world, T0);
        assertThat(first.actions())
                .singleElement()
                .satisfies(
                        a -> {
                            VmTask t = (VmTask) a;
                            assertThat(t.step()).isEqualTo(Step.ISOLATE);
                            assertThat(t.params())
                                    .containsEntry(
                                            "net0",
                                            "virtio=BC:24:11:00:00:01,bridge=vmbr0,link_down=1")
                                    .containsEntry("delete", "onboot")
                                    .doesNotContainKey("net1");
                        });
        // Without a config read, nothing at all: the plan asks for it.
        Plan unread = PlatformDrillPlanner.plan(running(configuring), facts(cluster, world), T0);
        assertThat(unread.actions()).isEmpty();
        assertThat(unread.needs()).containsExactly(new ConfigRef("pve1", 900000));
        // Read back isolated: started.
        world.vms
                .get(900000)
                .config
                .put("net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0,link_down=1");
        world.vms.get(900000).config.remove("onboot");
        Plan start = planWithConfigs(running(configuring), cluster, world, T0);
        assertThat(start.actions())
                .singleElement()
                .satisfies(a -> assertThat(((VmTask) a).step()).isEqualTo(Step.START));
    }

    @Test
    void aSwitchToTheStandbyAbandonsTheDrillAndStillCleansUp() {
        Standby world = new Standby(List.of("pve1", "pve2"));
        world.storages.add(NFS);
        Map<String, String> ours =
                Map.of("tags", "pveha-drill", "description", PlatformDrillPlanner.MARKER + UID);
        world.vm(900000, "pve1", "running", ours);
        world.vm(900001, "pve2", "stopped", ours);
        DrillVm booting = vm("payment-gateway", PlatformDrillPlanner.BOOTING, 900000, "pve1");
        booting.setBootDeadline(T0.plusSeconds(300).toString());
        DrillVm restoring = vm("pos-api-1", PlatformDrillPlanner.RESTORING, 900001, "pve2");
        restoring.setTask(new PendingTask("Restore", "pve2", "qmrestore", "900001", T0.toString()));
        DrillVm waiting = vm("erp-db", PlatformDrillPlanner.WAITING, null, null);
        Drill drill = running(booting, restoring, waiting);
        drill.getAddedStorages().add(NFS);
        ProxmoxCluster cluster =
                cluster(
                        c ->
                                c.getSpec()
                                        .getDisasterRecovery()
                                        .setActiveCluster(DisasterRecovery.ActiveCluster.standby));

        Plan plan =
                planWithConfigs(
                        drill,
                        cluster,
                        world,
                        T0,
                        Map.of(1, fact(State.RUNNING, restoring.getTask())));

        Drill after = plan.drill();
        assertThat(after.getAbandoned()).isTrue();
        assertThat(after.getAddedStorages()).as("left for the recovery").isEmpty();
        assertThat(after.getVms().get(0).getPhase()).isEqualTo("CleaningUp");
        assertThat(after.getVms().get(1).getTask()).as("its restore runs on").isNotNull();
        assertThat(after.getVms().get(2).getPhase()).isEqualTo("Done");
        assertThat(after.getVms().get(2).getReason()).contains("abandoned");
        assertThat(plan.actions())
                .singleElement()
                .satisfies(
                        a -> {
                            VmTask t = (VmTask) a;
                            assertThat(t.step()).isEqualTo(Step.STOP);
                            assertThat(t.vmid()).isEqualTo(900000);
                        });
        // The restore ends: that VM is cleaned up too, never started.
        Plan next =
                planWithConfigs(
                        after,
                        cluster,
                        world,
                        T0.plusSeconds(5),
                        Map.of(1, fact(State.SUCCEEDED, restoring.getTask())));
        assertThat(next.drill().getVms().get(1).getPhase()).isEqualTo("CleaningUp");
        assertThat(next.actions())
                .extracting(a -> ((VmTask) a).step())
                .doesNotContain(Step.START, Step.RESTORE, Step.ISOLATE);
    }

    @Test
    void aDrillThatCannotStartSaysWhy() {
        Standby world = new Standby(List.of("pve1"));
        Plan noStorage =
                PlatformDrillPlanner.plan(
                        null,
                        facts(
                                cluster(
                                        c -> {
                                            drillNow(c, "a");
                                            c.getSpec()
                                                    .getDisasterRecovery()
                                                    .getDrill()
                                                    .setStorage("fast-ssd");
                                        }),
                                world),
                        T0);
        assertThat(noStorage.drill().getResult()).isEqualTo("failed");
        assertThat(noStorage.drill().getMessage()).contains("no storage 'fast-ssd'");
        assertThat(noStorage.actions()).isEmpty();

        Plan noStandby =
                PlatformDrillPlanner.plan(
                        null,
                        facts(
                                cluster(
                                        c -> {
                                            drillNow(c, "b");
                                            c.getSpec().getDisasterRecovery().setStandby(null);
                                        }),
                                null),
                        T0);
        assertThat(noStandby.drill().getMessage()).contains("spec.disasterRecovery.standby");

        Plan unreachable =
                PlatformDrillPlanner.plan(null, facts(cluster(c -> drillNow(c, "c")), null), T0);
        assertThat(unreachable.drill().getResult()).isEqualTo("failed");
        assertThat(unreachable.drill().getMessage()).contains("cannot be reached");
    }

    @Test
    void aStandbyWithoutTheStorageAndNoNfsDeclaredFailsTheVmNamingIt() {
        Standby world = new Standby(List.of("pve1"));
        ProxmoxCluster cluster = cluster(c -> drillNow(c, "a"));
        BackupPolicy local = policy();
        local.getSpec().getStorage().setNfs(null);
        Plan plan =
                PlatformDrillPlanner.plan(
                        null,
                        new PlatformDrillFacts(
                                cluster,
                                world.snapshot(T0),
                                null,
                                false,
                                haVms(),
                                List.of(local),
                                Map.of(),
                                Map.of(),
                                0),
                        T0);
        assertThat(plan.drill().getVms().get(0).getReason())
                .contains("the standby has no storage '" + NFS + "'");
        assertThat(plan.actions()).isEmpty();
    }

    @Test
    void aPassPlansNoMoreTasksOnANodeThanItHasSlotsNorReadsConfigsItCouldNotAct() {
        tasksPerNode = 2;
        Standby world = new Standby(List.of("pve1"));
        world.storages.add(NFS);
        Map<String, String> ours =
                Map.of("tags", "pveha-drill", "description", PlatformDrillPlanner.MARKER + UID);
        List<DrillVm> vms = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            world.vm(900000 + i, "pve1", "running", ours);
            DrillVm vm = vm("vm-" + i, PlatformDrillPlanner.CLEANING_UP, 900000 + i, "pve1");
            vm.setResult("Passed");
            vms.add(vm);
        }
        DrillVm busy = vm("vm-4", PlatformDrillPlanner.CLEANING_UP, 900004, "pve1");
        busy.setTask(new PendingTask("Stop", "pve1", "qmstop", "900004", T0.toString()));
        vms.add(busy);
        world.vm(900004, "pve1", "running", ours);
        ProxmoxCluster cluster = cluster(c -> {});

        Plan unread =
                PlatformDrillPlanner.plan(
                        running(vms.toArray(DrillVm[]::new)),
                        facts(cluster, world, Map.of(4, fact(State.RUNNING, busy.getTask()))),
                        T0);
        assertThat(unread.needs()).as("one slot left: one config read").hasSize(1);

        Plan plan =
                planWithConfigs(
                        running(vms.toArray(DrillVm[]::new)),
                        cluster,
                        world,
                        T0,
                        Map.of(4, fact(State.RUNNING, busy.getTask())));
        assertThat(plan.actions()).hasSize(1);
    }

    // ---------------------------------------------------------------- the model

    /** Drives the planner pass by pass, carrying out its actions on the model standby. */
    final class Run {
        final ProxmoxCluster cluster;
        final Standby world;
        final Map<Integer, Map<String, Object>> restores = new TreeMap<>();
        final List<String> added = new ArrayList<>();
        final List<String> removed = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        Optional<PlatformDrillPlanner.Verdict> verdict = Optional.empty();
        int maxRestoringPerNode;
        Instant now = T0;

        Run(ProxmoxCluster cluster, Standby world) {
            this.cluster = cluster;
            this.world = world;
        }

        Drill toEnd() {
            Drill drill = null;
            for (int pass = 0; pass < 200; pass++) {
                Map<Integer, TaskFact> tasks = new HashMap<>();
                if (drill != null) {
                    for (int i = 0; i < drill.getVms().size(); i++) {
                        PendingTask t = drill.getVms().get(i).getTask();
                        if (t != null) {
                            tasks.put(i, world.end(t));
                        }
                    }
                }
                world.at = now;
                Plan plan = planWithConfigs(drill, cluster, world, now, tasks);
                plan.notes().forEach(n -> notes.add(n.reason().name()));
                if (plan.verdict().isPresent()) {
                    verdict = plan.verdict();
                }
                drill = plan.drill();
                check(drill);
                for (Action action : plan.actions()) {
                    carryOut(drill, action);
                }
                now = now.plusSeconds(2);
                if (!PlatformDrillPlanner.running(drill)) {
                    return drill;
                }
            }
            throw new AssertionError("the drill did not end: " + drill.getMessage());
        }

        /** Stage order and the cap per node, at every pass. */
        private void check(Drill drill) {
            Map<String, Integer> restoring = new HashMap<>();
            int lowestUnsettled = Integer.MAX_VALUE;
            for (DrillVm vm : drill.getVms()) {
                if (PlatformDrillPlanner.RESTORING.equals(vm.getPhase())) {
                    restoring.merge(vm.getNode(), 1, Integer::sum);
                }
            }
            for (DrillVm vm : drill.getVms()) {
                boolean settled = Set.of("Booted", "CleaningUp", "Done").contains(vm.getPhase());
                if (!settled && vm.getStage() != null) {
                    lowestUnsettled = Math.min(lowestUnsettled, vm.getStage());
                }
            }
            for (DrillVm vm : drill.getVms()) {
                if (vm.getStage() != null
                        && vm.getStage() > lowestUnsettled
                        && !PlatformDrillPlanner.WAITING.equals(vm.getPhase())
                        && !PlatformDrillPlanner.DONE.equals(vm.getPhase())) {
                    throw new AssertionError(
                            vm.getHaVm() + " left its stage before stage " + lowestUnsettled);
                }
            }
            restoring.values().forEach(n -> maxRestoringPerNode = Math.max(maxRestoringPerNode, n));
            assertThat(restoring.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(1));
        }

        private void carryOut(Drill drill, Action action) {
            if (action instanceof AddStorage add) {
                drill.getAddedStorages().add(add.storage());
                world.storages.add(add.storage());
                added.add(add.storage());
            } else if (action instanceof RemoveStorage remove) {
                world.storages.remove(remove.storage());
                drill.getAddedStorages().remove(remove.storage());
                removed.add(remove.storage());
            } else if (action instanceof VmTask task) {
                DrillVm vm = drill.getVms().get(task.index());
                assertThat(vm.getTask()).as("one task at a time per VM").isNull();
                PendingTask intent = task.intent();
                intent.setStartedAt(now.toString());
                intent.setUpid("UPID:" + task.node() + ":" + task.step() + ":" + task.vmid());
                vm.setTask(intent);
                world.apply(task, this);
            }
        }
    }

    /** The standby as the planner sees it through polls and config reads. */
    static class World {
        static final class Vm {
            final String node;
            String status;
            final Map<String, String> config;

            Vm(String node, String status, Map<String, String> config) {
                this.node = node;
                this.status = status;
                this.config = new LinkedHashMap<>(config);
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Vm v
                        && v.node.equals(node)
                        && v.status.equals(status)
                        && v.config.equals(config);
            }

            @Override
            public int hashCode() {
                return node.hashCode();
            }
        }
    }

    final class Standby {
        final List<String> nodes;
        final Map<Integer, World.Vm> vms = new TreeMap<>();
        final Set<String> storages = new java.util.TreeSet<>(Set.of("local-lvm"));
        final Set<String> corrupt = new java.util.HashSet<>();
        final Map<String, Boolean> outcomes = new HashMap<>();
        Instant at = T0;

        Standby(List<String> nodes) {
            this.nodes = nodes;
        }

        void vm(int vmid, String node, String status, Map<String, String> config) {
            vms.put(vmid, new World.Vm(node, status, config));
        }

        Map<Integer, World.Vm> copyVms() {
            Map<Integer, World.Vm> copy = new TreeMap<>();
            vms.forEach((k, v) -> copy.put(k, new World.Vm(v.node, v.status, v.config)));
            return copy;
        }

        ClusterSnapshot snapshot(Instant at) {
            Snapshots s = Snapshots.at(at).tasksListed();
            nodes.forEach(s::node);
            for (String storage : storages) {
                nodes.forEach(n -> s.storage(n, storage, "nfs"));
            }
            vms.forEach(
                    (vmid, v) -> s.vm(vmid, v.node, v.status, v.config.get("tags"), null, false));
            return s.build();
        }

        Optional<Map<String, String>> config(int vmid) {
            World.Vm vm = vms.get(vmid);
            return vm == null ? Optional.empty() : Optional.of(Map.copyOf(vm.config));
        }

        /** Every task ends by the next pass; a corrupt archive's restore fails. */
        TaskFact end(PendingTask task) {
            boolean ok = outcomes.getOrDefault(task.getUpid(), true);
            return new TaskFact(
                    ok ? State.SUCCEEDED : State.FAILED,
                    task,
                    true,
                    ok ? "OK" : "command 'vma extract' failed: exit code 133",
                    List.of());
        }

        void apply(VmTask task, Run run) {
            int vmid = task.vmid();
            String upid = "UPID:" + task.node() + ":" + task.step() + ":" + vmid;
            switch (task.step()) {
                case RESTORE -> {
                    assertThat(vms).as("restore over an existing VM").doesNotContainKey(vmid);
                    assertThat(run.restores).as("restored twice").doesNotContainKey(vmid);
                    run.restores.put(vmid, task.params());
                    String archive = (String) task.params().get("archive");
                    assertThat(storages).contains(PlatformDrillPlanner.storageOf(archive));
                    if (corrupt.contains(archive)) {
                        outcomes.put(upid, false);
                        return;
                    }
                    Map<String, String> config = new LinkedHashMap<>();
                    config.put("net0", "virtio=BC:24:11:00:00:0" + (vmid % 10) + ",bridge=vmbr0");
                    config.put("onboot", "1");
                    config.put("tags", (String) task.params().get("tags"));
                    config.put("description", (String) task.params().get("description"));
                    vm(vmid, task.node(), "stopped", config);
                }
                case ISOLATE ->
                        task.params()
                                .forEach(
                                        (k, v) -> {
                                            if (k.equals("delete")) {
                                                vms.get(vmid).config.remove(String.valueOf(v));
                                            } else {
                                                vms.get(vmid).config.put(k, String.valueOf(v));
                                            }
                                        });
                case START -> {
                    Map<String, String> config = vms.get(vmid).config;
                    assertThat(config).as("started with onboot").doesNotContainKey("onboot");
                    config.forEach(
                            (k, v) -> {
                                if (k.matches("net\\d+")) {
                                    assertThat(v)
                                            .as("started with " + k + " up")
                                            .contains("link_down=1");
                                }
                            });
                    vms.get(vmid).status = "running";
                }
                case STOP -> vms.get(vmid).status = "stopped";
                case DESTROY -> {
                    assertThat(vms.get(vmid).config.get("description"))
                            .as("destroyed without our marker")
                            .contains(PlatformDrillPlanner.MARKER + UID);
                    assertThat(vms.get(vmid).status).isEqualTo("stopped");
                    vms.remove(vmid);
                }
            }
        }
    }

    // ---------------------------------------------------------------- fixtures

    Plan planWithConfigs(Drill drill, ProxmoxCluster cluster, Standby world, Instant now) {
        return planWithConfigs(drill, cluster, world, now, Map.of());
    }

    /** As the PlatformDrill pass does: plans, reads the configs asked for, plans again. */
    Plan planWithConfigs(
            Drill drill,
            ProxmoxCluster cluster,
            Standby world,
            Instant now,
            Map<Integer, TaskFact> tasks) {
        PlatformDrillFacts facts = facts(cluster, world, tasks);
        Plan plan = PlatformDrillPlanner.plan(drill, facts, now);
        Map<Integer, Optional<Map<String, String>>> configs = new HashMap<>();
        for (int round = 0; round < 3 && !plan.needs().isEmpty(); round++) {
            plan.needs().forEach(ref -> configs.put(ref.vmid(), world.config(ref.vmid())));
            plan = PlatformDrillPlanner.plan(drill, facts.withConfigs(Map.copyOf(configs)), now);
        }
        return plan;
    }

    PlatformDrillFacts facts(ProxmoxCluster cluster, Standby world) {
        return facts(cluster, world, Map.of());
    }

    /** The operator's task slots per node in the facts (0: no limit). */
    int tasksPerNode;

    PlatformDrillFacts facts(ProxmoxCluster cluster, Standby world, Map<Integer, TaskFact> tasks) {
        return new PlatformDrillFacts(
                cluster,
                world == null ? null : world.snapshot(world.at),
                world == null ? "connection refused" : null,
                false,
                haVms(),
                List.of(policy()),
                tasks,
                Map.of(),
                tasksPerNode);
    }

    static TaskFact fact(State state, PendingTask task) {
        return new TaskFact(state, task, true, state == State.SUCCEEDED ? "OK" : null, List.of());
    }

    static Drill running(DrillVm... vms) {
        Drill drill = new Drill();
        drill.setResult("running");
        drill.setLastRun(T0.toString());
        drill.setFirstRestoreAt(T0.toString());
        drill.setVms(new ArrayList<>(List.of(vms)));
        return drill;
    }

    static DrillVm vm(String haVm, String phase, Integer scratch, String node) {
        DrillVm vm = new DrillVm();
        vm.setHaVm(haVm);
        vm.setStage(0);
        vm.setPhase(phase);
        vm.setScratchVmid(scratch);
        vm.setNode(node);
        vm.setVolume(volume(haVm));
        return vm;
    }

    static String volume(String haVm) {
        return NFS + ":backup/vzdump-qemu-" + haVm + "-2026_12_05-01_00_00.vma.zst";
    }

    static List<HaVm> haVms() {
        List<HaVm> vms = new ArrayList<>();
        for (String[] v :
                List.of(
                        new String[] {"erp-db", "erp"},
                        new String[] {"pos-api-2", "pos"},
                        new String[] {"pos-api-1", "pos"},
                        new String[] {"payment-gateway", "payments"})) {
            HaVm vm = new HaVm();
            vm.getMetadata().setName(v[0]);
            vm.getMetadata().setNamespace("store");
            vm.getMetadata().setLabels(Map.of("role", v[1]));
            vms.add(vm);
        }
        return vms;
    }

    static BackupPolicy policy() {
        BackupPolicy policy = new BackupPolicy();
        policy.getMetadata().setName("nightly");
        policy.getMetadata().setNamespace("store");
        BackupPolicySpec spec = new BackupPolicySpec();
        BackupPolicySpec.BackupStorage storage = new BackupPolicySpec.BackupStorage();
        storage.setName(NFS);
        BackupPolicySpec.Nfs nfs = new BackupPolicySpec.Nfs();
        nfs.setServer("10.20.0.50");
        nfs.setExport("/srv/backup/pve");
        storage.setNfs(nfs);
        spec.setStorage(storage);
        policy.setSpec(spec);
        BackupPolicyStatus status = new BackupPolicyStatus();
        for (HaVm vm : haVms()) {
            BackupPolicyStatus.VmBackup b = new BackupPolicyStatus.VmBackup();
            b.setHaVm(vm.getMetadata().getName());
            b.setVolume(volume(vm.getMetadata().getName()));
            b.setTime("2026-12-05T01:00:00Z");
            b.setVmid(100);
            status.getVms().add(b);
        }
        policy.setStatus(status);
        return policy;
    }

    static ProxmoxCluster cluster(Consumer<ProxmoxCluster> customise) {
        ProxmoxCluster cluster = new ProxmoxCluster();
        cluster.getMetadata().setName("main");
        cluster.getMetadata().setNamespace("store");
        cluster.getMetadata().setUid(UID);
        cluster.setSpec(new ProxmoxClusterSpec());
        DisasterRecovery dr = new DisasterRecovery();
        DisasterRecovery.Standby standby = new DisasterRecovery.Standby();
        standby.setEndpoints(List.of("https://dr1.example.com:8006"));
        dr.setStandby(standby);
        dr.setRestoreOrder(
                List.of(
                        new DisasterRecovery.RestoreStage(
                                "payments", List.of("payment-gateway"), null),
                        new DisasterRecovery.RestoreStage("pos", null, role("pos")),
                        new DisasterRecovery.RestoreStage("erp", List.of("erp-db"), null)));
        dr.setMaxParallelRestoresPerNode(1);
        dr.setDrill(new DisasterRecovery.Drill());
        cluster.getSpec().setDisasterRecovery(dr);
        customise.accept(cluster);
        return cluster;
    }

    static void drillNow(ProxmoxCluster cluster, String token) {
        cluster.getMetadata().setAnnotations(Map.of(Pveha.ANNOTATION_DRILL_NOW, token));
    }

    static void enable(ProxmoxCluster cluster, String schedule) {
        cluster.getSpec().getDisasterRecovery().getDrill().setEnabled(true);
        cluster.getSpec().getDisasterRecovery().getDrill().setSchedule(schedule);
    }

    static LabelSelector role(String role) {
        LabelSelector selector = new LabelSelector();
        selector.setMatchLabels(Map.of("role", role));
        return selector;
    }
}
