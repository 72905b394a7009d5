package io.pveha.reconciler.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.pveha.api.ObjectRef;
import io.pveha.api.PendingTask;
import io.pveha.api.Pveha;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicySpec;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.backup.BackupPolicyStatus.DrillStatus;
import io.pveha.api.backup.BackupPolicyStatus.DrillVm;
import io.pveha.api.backup.BackupPolicyStatus.Run;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmSpec;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveErrorKind;
import io.pveha.reconciler.ClusterView;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.ReconcileGate;
import io.pveha.reconciler.backup.BackupPolicyFacts.BackupsRead;
import io.pveha.reconciler.backup.BackupPolicyFacts.JobRead;
import io.pveha.reconciler.backup.BackupPolicyFacts.ObservedJob;
import io.pveha.reconciler.backup.BackupPolicyFacts.ScratchRead;
import io.pveha.reconciler.backup.BackupPolicyFacts.Selection;
import io.pveha.reconciler.backup.BackupPolicyFacts.StoredBackup;
import io.pveha.reconciler.backup.BackupPolicyPlanner.DrillTask;
import io.pveha.reconciler.backup.BackupPolicyPlanner.Plan;
import io.pveha.reconciler.backup.BackupPolicyPlanner.Step;
import io.pveha.reconciler.task.TaskLedger.State;
import io.pveha.reconciler.task.TaskLedger.TaskFact;
import io.pveha.testing.Snapshots;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The BackupPolicy planner, decision by decision, without a network: one pass's facts in, one plan
 * out.
 */
class BackupPolicyPlannerTest {
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final long T = NOW.getEpochSecond();
    static final String TOKEN = "root@pam!operator";
    static final String STORAGE = "nfs-backup";
    static final String VOLUME_100 =
            STORAGE + ":backup/vzdump-qemu-100-2026_12_01-02_00_00.vma.zst";
    static final Duration POLL = Duration.ofSeconds(10);

    // ---------------------------------------------------------------- fixtures

    /** A policy backing up VMs 100 and 101 to an NFS storage the operator may create. */
    static BackupPolicy policy(Consumer<BackupPolicy> customise) {
        BackupPolicy policy = new BackupPolicy();
        policy.getMetadata().setName("nightly");
        policy.getMetadata().setNamespace("store");
        policy.getMetadata().setUid("uid-1");
        policy.getMetadata().setGeneration(2L);
        BackupPolicySpec spec = new BackupPolicySpec();
        spec.setClusterRef(new ObjectRef("main"));
        spec.setSchedule("*-*-* 02:00");
        spec.setSelection(new BackupPolicySpec.Selection());
        spec.getSelection().setVmids(List.of(100, 101));
        BackupPolicySpec.BackupStorage storage = new BackupPolicySpec.BackupStorage();
        storage.setName(STORAGE);
        BackupPolicySpec.Nfs nfs = new BackupPolicySpec.Nfs();
        nfs.setServer("10.20.0.50");
        nfs.setExport("/srv/backup/pve");
        storage.setNfs(nfs);
        spec.setStorage(storage);
        spec.setRetention(new BackupPolicySpec.Retention());
        spec.getRetention().setKeepLast(2);
        policy.setSpec(spec);
        customise.accept(policy);
        return policy;
    }

    static BackupPolicy policy() {
        return policy(p -> {});
    }

    static BackupPolicy annotated(String name, String value) {
        return policy(p -> p.getMetadata().setAnnotations(Map.of(name, value)));
    }

    /** Two online nodes, the storage, VM 100 on pve1 and 101 on pve2. */
    static Snapshots cluster() {
        return Snapshots.at(NOW)
                .node("pve1")
                .node("pve2")
                .storage("pve1", STORAGE, "nfs")
                .vm(100, "pve1", "running")
                .vm(101, "pve2", "running");
    }

    static Selection selected(Integer... vmids) {
        return new Selection(Set.of(vmids), Map.of(100, "web"), false);
    }

    /** The facts of a pass that read nothing but the poll. */
    static BackupPolicyFacts facts(ClusterSnapshot snapshot) {
        return new BackupPolicyFacts(
                new ClusterView(new ClusterKey("store", "main"), null, snapshot, null),
                false,
                TOKEN,
                POLL,
                selected(100, 101),
                Set.of(),
                List.of(),
                Optional.empty(),
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    static BackupPolicyFacts withSelection(BackupPolicyFacts f, Selection selection) {
        return new BackupPolicyFacts(
                f.cluster(),
                f.stale(),
                f.tokenUser(),
                f.pollInterval(),
                selection,
                f.claimedVmids(),
                f.runTasks(),
                f.drillTask(),
                f.summaries(),
                f.jobs(),
                f.backups(),
                f.scratch());
    }

    static BackupPolicyFacts withTasks(BackupPolicyFacts f, List<TaskFact> run, TaskFact drill) {
        return new BackupPolicyFacts(
                f.cluster(),
                f.stale(),
                f.tokenUser(),
                f.pollInterval(),
                f.selection(),
                f.claimedVmids(),
                run,
                Optional.ofNullable(drill),
                f.summaries(),
                f.jobs(),
                f.backups(),
                f.scratch());
    }

    /** The job as PVE lists it when it matches the spec, next running at {@code nextRun}. */
    static JobRead jobInSync(BackupPolicy policy, Instant nextRun) {
        return new JobRead(
                Optional.of(
                        new ObservedJob(
                                BackupJobPlan.desired(policy, List.of(100, 101), true),
                                Optional.of(nextRun))));
    }

    /** A steady pass's facts: the job in sync, the storage's backups read (none). */
    static BackupPolicyFacts steady(BackupPolicy policy, ClusterSnapshot snapshot) {
        return facts(snapshot)
                .withJobs(jobInSync(policy, NEXT_RUN))
                .withBackups(new BackupsRead(List.of(), Optional.empty()));
    }

    static final Instant NEXT_RUN = Instant.parse("2026-12-02T02:00:00Z");

    static TaskFact task(
            String action, String node, String type, String id, State state, String exit) {
        PendingTask t = new PendingTask(action, node, type, id, NOW.minusSeconds(30).toString());
        if (state != State.NOT_STARTED) {
            t.setUpid(Snapshots.upid(node, type, id, T - 30));
        }
        return new TaskFact(state, t, true, exit, List.of());
    }

    static BackupPolicyStatus withVms(BackupPolicyStatus status) {
        BackupPolicyStatus.VmBackup vm = new BackupPolicyStatus.VmBackup();
        vm.setVmid(100);
        vm.setHaVm("web");
        vm.setVolume(VOLUME_100);
        status.getVms().add(vm);
        return status;
    }

    /** A drill of VM 100 in {@code phase}, scratch VM 5000 on pve1. */
    static BackupPolicyStatus drilling(String phase, Consumer<DrillVm> customise) {
        BackupPolicyStatus status = withVms(new BackupPolicyStatus());
        status.setJobId("job");
        DrillStatus drill = new DrillStatus();
        drill.setTrigger("on-demand");
        drill.setHandledDrillNow("d1");
        drill.setLastRun(NOW.minusSeconds(120).toString());
        drill.setResult("running");
        DrillVm vm = new DrillVm();
        vm.setVmid(100);
        vm.setVolume(VOLUME_100);
        vm.setScratchVmid(5000);
        vm.setNode("pve1");
        vm.setPhase(phase);
        customise.accept(vm);
        drill.getVms().add(vm);
        status.setDrill(drill);
        return status;
    }

    static Map<String, String> scratchConfig(String uid, String... more) {
        Map<String, String> config = new HashMap<>();
        config.put("tags", BackupPolicyPlanner.TAG);
        config.put("description", "Restore drill of VM 100\n" + BackupPolicyPlanner.MARKER + uid);
        config.put("net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0,link_down=1");
        for (int i = 0; i + 1 < more.length; i += 2) {
            config.put(more[i], more[i + 1]);
        }
        return config;
    }

    static BackupPolicyFacts withScratch(BackupPolicyFacts facts, Map<String, String> config) {
        return facts.withScratch(new ScratchRead(5000, Optional.ofNullable(config)));
    }

    static DrillVm drilled(Plan plan) {
        return plan.records().drill().getVms().get(0);
    }

    // ---------------------------------------------------------------- gate, cluster, staleness

    @Test
    void aPausedOrInvalidPolicyStopsBeforeAnythingIsObservedAndKeepsItsRecords() {
        BackupPolicy paused = annotated(Pveha.ANNOTATION_PAUSED, "true");
        BackupPolicyStatus running = drilling(BackupPolicyPlanner.BOOTING, vm -> {});
        Optional<ReconcileGate.Stop> stop = ReconcileGate.check(paused, List.of(), r -> List.of());
        assertThat(stop)
                .map(ReconcileGate.Stop::reason)
                .contains(CommonReason.ReconciliationPaused);
        BackupPolicyStatus shown =
                BackupPolicyStatusBuilder.stopped(
                        paused, running, stop.get().reason(), stop.get().message(), NOW);
        assertThat(Conditions.find(shown.getConditions(), Conditions.READY))
                .hasValueSatisfying(
                        c -> {
                            assertThat(c.getStatus()).isEqualTo("False");
                            assertThat(c.getReason()).isEqualTo("ReconciliationPaused");
                        });
        assertThat(shown.getDrill().getVms().get(0).getScratchVmid())
                .as("the drill's record stays for when it resumes")
                .isEqualTo(5000);

        Optional<ReconcileGate.Stop> invalid =
                ReconcileGate.check(
                        policy(), List.of(), r -> List.of("spec.schedule: Invalid value"));
        assertThat(invalid).map(ReconcileGate.Stop::reason).contains(CommonReason.InvalidSpec);
        assertThat(invalid.get().note()).isPresent();
    }

    @Test
    void nothingIsPlannedWhileTheClusterIsUnreachableOrFromAPollOlderThanTheLastChange() {
        ClusterView unreachable =
                new ClusterView(
                        new ClusterKey("store", "main"),
                        null,
                        cluster().build(),
                        new PveApiException(
                                PveErrorKind.CONNECTION,
                                0,
                                "GET",
                                "/cluster/resources",
                                "connection refused",
                                null,
                                null));
        BackupPolicyFacts f = steady(policy(), cluster().build());
        BackupPolicyFacts blocked =
                new BackupPolicyFacts(
                        unreachable,
                        false,
                        TOKEN,
                        POLL,
                        f.selection(),
                        Set.of(),
                        List.of(),
                        Optional.empty(),
                        Map.of(),
                        f.jobs(),
                        f.backups(),
                        Optional.empty());
        Plan plan =
                BackupPolicyPlanner.plan(
                        annotated(Pveha.ANNOTATION_BACKUP_NOW, "t1"), null, blocked, NOW);
        assertThat(plan.action()).isEmpty();
        assertThat(plan.reason()).isEqualTo(CommonReason.ClusterUnreachable);
        assertThat(plan.requeue()).contains(BackupPolicyPlanner.WAIT_CLUSTER);

        BackupPolicyFacts stale =
                new BackupPolicyFacts(
                        f.cluster(),
                        true,
                        TOKEN,
                        POLL,
                        f.selection(),
                        Set.of(),
                        List.of(),
                        Optional.empty(),
                        Map.of(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty());
        Plan waiting =
                BackupPolicyPlanner.plan(
                        annotated(Pveha.ANNOTATION_BACKUP_NOW, "t1"), null, stale, NOW);
        assertThat(waiting.action()).isEmpty();
        assertThat(waiting.needs().any()).as("nothing is read for a stale poll").isFalse();
        assertThat(waiting.requeue()).contains(BackupPolicyPlanner.SOON);
    }

    // ---------------------------------------------------------------- storage

    @Test
    void aMissingStorageIsCreatedFromTheDeclaredNfsExportBeforeAnythingElse() {
        Plan plan =
                BackupPolicyPlanner.plan(
                        policy(p -> p.getSpec().getStorage().getNfs().setOptions("vers=4.2")),
                        null,
                        facts(Snapshots.at(NOW).node("pve1").vm(100, "pve1", "running").build()),
                        NOW);

        assertThat(plan.action())
                .get()
                .isEqualTo(
                        new BackupPolicyPlanner.CreateStorage(
                                STORAGE,
                                new LinkedHashMap<>(
                                        Map.of(
                                                "storage",
                                                STORAGE,
                                                "type",
                                                "nfs",
                                                "server",
                                                "10.20.0.50",
                                                "export",
                                                "/srv/backup/pve",
                                                "content",
                                                "backup",
                                                "options",
                                                "vers=4.2"))));
        assertThat(plan.needs().any()).as("the job waits for the next pass").isFalse();
        assertThat(plan.reason()).isEqualTo(BackupPolicyReason.Creating);
        assertThat(plan.storage())
                .get()
                .extracting(BackupPolicyPlanner.Cond::reason)
                .isEqualTo(BackupPolicyReason.Created);
    }

    @Test
    void aMissingStorageWithoutAnNfsExportIsReportedAndNothingIsSent() {
        Plan plan =
                BackupPolicyPlanner.plan(
                        policy(p -> p.getSpec().getStorage().setNfs(null)),
                        null,
                        facts(Snapshots.at(NOW).node("pve1").build()),
                        NOW);

        assertThat(plan.action()).isEmpty();
        assertThat(plan.needs().any()).isFalse();
        assertThat(plan.reason()).isEqualTo(BackupPolicyReason.StorageMissing);
        assertThat(plan.message())
                .contains("storage nfs-backup does not exist", "spec.storage.nfs");
    }

    @Test
    void aStorageWhoseBackupsCannotBeListedIsUnavailable() {
        BackupPolicyFacts f =
                facts(cluster().build())
                        .withJobs(jobInSync(policy(), NEXT_RUN))
                        .withBackups(
                                new BackupsRead(
                                        List.of(),
                                        Optional.of("storage 'nfs-backup' is not online")));
        Plan plan = BackupPolicyPlanner.plan(policy(), null, f, NOW);

        assertThat(plan.reason()).isEqualTo(BackupPolicyReason.StorageUnavailable);
        assertThat(plan.message())
                .isEqualTo(
                        "cannot list backups on storage nfs-backup: storage 'nfs-backup' is not online");
        assertThat(plan.report()).as("the last report stays").isEmpty();
    }

    // ---------------------------------------------------------------- job

    @Test
    void theJobListIsReadOnlyWhenThePassGetsToTheJob() {
        Plan plan = BackupPolicyPlanner.plan(policy(), null, facts(cluster().build()), NOW);
        assertThat(plan.needs().jobs()).isTrue();
        assertThat(plan.needs().backups()).isFalse();
        assertThat(plan.action()).isEmpty();
    }

    @Test
    void aMissingJobIsCreatedWithTheSpecsOptions() {
        BackupPolicyFacts f = facts(cluster().build()).withJobs(new JobRead(Optional.empty()));
        Plan plan = BackupPolicyPlanner.plan(policy(), null, f, NOW);

        assertThat(plan.action()).containsInstanceOf(BackupPolicyPlanner.CreateJob.class);
        BackupPolicyPlanner.CreateJob create = (BackupPolicyPlanner.CreateJob) plan.action().get();
        assertThat(create.jobId()).isEqualTo(BackupJobPlan.jobId(policy()));
        assertThat(create.options())
                .containsEntry("vmid", "100,101")
                .containsEntry("storage", STORAGE)
                .containsEntry("schedule", "*-*-* 02:00")
                .containsEntry("prune-backups", "keep-last=2")
                .containsEntry("enabled", "1");
        assertThat(plan.needs().backups())
                .as("one action per pass: the backups are read in the next")
                .isFalse();
        assertThat(plan.ready()).isTrue();
    }

    @Test
    void aJobThatDriftedIsUpdatedWithOnlyWhatDiffersAndItsNextRunIsLeftOut() {
        Map<String, String> drifted =
                new HashMap<>(BackupJobPlan.desired(policy(), List.of(100, 101), true));
        drifted.put("vmid", "100");
        drifted.put("mode", "stop");
        BackupPolicyFacts f =
                facts(cluster().build())
                        .withJobs(
                                new JobRead(
                                        Optional.of(
                                                new ObservedJob(drifted, Optional.of(NEXT_RUN)))));
        Plan plan = BackupPolicyPlanner.plan(policy(), null, f, NOW);

        assertThat(plan.action())
                .get()
                .isEqualTo(
                        new BackupPolicyPlanner.UpdateJob(
                                BackupJobPlan.jobId(policy()),
                                Map.of("vmid", "100,101", "mode", "snapshot"),
                                "mode=snapshot vmid=100,101"));
        assertThat(plan.job())
                .get()
                .extracting(BackupPolicyPlanner.JobState::nextRun)
                .as("not taken for a run in the next pass")
                .isNull();
    }

    @Test
    void aJobInSyncIsLeftAloneAndTheStoragesBackupsAreReadNext() {
        BackupPolicyFacts f = facts(cluster().build()).withJobs(jobInSync(policy(), NEXT_RUN));
        Plan first = BackupPolicyPlanner.plan(policy(), null, f, NOW);
        assertThat(first.action()).isEmpty();
        assertThat(first.needs().backups()).isTrue();

        Plan plan =
                BackupPolicyPlanner.plan(
                        policy(),
                        null,
                        f.withBackups(new BackupsRead(List.of(), Optional.empty())),
                        NOW);
        assertThat(plan.needs().any()).isFalse();
        assertThat(plan.action()).isEmpty();
        assertThat(plan.ready()).isTrue();
        assertThat(plan.message())
                .isEqualTo(
                        "job " + BackupJobPlan.jobId(policy()) + " backs up 2 VM(s) to nfs-backup");
        assertThat(plan.job())
                .get()
                .extracting(BackupPolicyPlanner.JobState::nextRun)
                .isEqualTo(NEXT_RUN);
        assertThat(plan.requeue())
                .as("a steady policy is looked at once per poll interval")
                .contains(POLL);
    }

    @Test
    void nothingSelectedCreatesNoJobAndDisablesAnExistingOneKeepingItsVmList() {
        BackupPolicyFacts none =
                withSelection(facts(cluster().build()), new Selection(Set.of(), Map.of(), false));
        Plan noJob =
                BackupPolicyPlanner.plan(
                        policy(),
                        null,
                        none.withJobs(new JobRead(Optional.empty()))
                                .withBackups(new BackupsRead(List.of(), Optional.empty())),
                        NOW);
        assertThat(noJob.action()).isEmpty();
        assertThat(noJob.reason()).isEqualTo(BackupPolicyReason.NothingSelected);
        assertThat(noJob.message()).contains("created when it does");

        Map<String, String> enabled =
                new HashMap<>(BackupJobPlan.desired(policy(), List.of(100), true));
        Plan disable =
                BackupPolicyPlanner.plan(
                        policy(),
                        null,
                        none.withJobs(
                                new JobRead(
                                        Optional.of(
                                                new ObservedJob(enabled, Optional.of(NEXT_RUN))))),
                        NOW);
        assertThat(disable.action())
                .get()
                .isEqualTo(
                        new BackupPolicyPlanner.UpdateJob(
                                BackupJobPlan.jobId(policy()),
                                Map.of("enabled", "0"),
                                "enabled=0"));
        assertThat(disable.reason()).isEqualTo(BackupPolicyReason.NothingSelected);
        assertThat(disable.message()).contains("disabled until it does");
    }

    @Test
    void aHaVmJoinsTheSelectionWhenItHasTheLabelsAndAVmidAndScratchVmsNeverDo() {
        BackupPolicy policy =
                policy(
                        p -> {
                            p.getSpec().getSelection().setVmids(List.of());
                            LabelSelector selector = new LabelSelector();
                            selector.setMatchLabels(Map.of("tier", "db"));
                            p.getSpec().getSelection().setHaVmSelector(selector);
                        });
        Selection selection =
                BackupPolicyObserver.select(
                        policy,
                        List.of(
                                haVm("db-1", "db", 100),
                                haVm("db-2", "db", null),
                                haVm("web", "web", 101)),
                        cluster().build());
        assertThat(selection.vmids()).containsExactly(100);
        assertThat(selection.haVmNames()).containsEntry(100, "db-1").containsEntry(101, "web");

        BackupPolicy all =
                policy(
                        p -> {
                            p.getSpec().getSelection().setVmids(List.of());
                            p.getSpec().getSelection().setAll(true);
                            p.getSpec().getSelection().setExclude(List.of(101));
                        });
        ClusterSnapshot withScratch =
                cluster()
                        .vm(5000, "pve1", "running", BackupPolicyPlanner.TAG, null, false)
                        .vm(9000, "pve1", "stopped", null, null, true)
                        .build();
        assertThat(BackupPolicyObserver.select(all, List.of(), withScratch).vmids())
                .containsExactly(100);
    }

    static HaVm haVm(String name, String tier, Integer vmid) {
        HaVm vm = new HaVm();
        vm.getMetadata().setName(name);
        vm.getMetadata().setNamespace("store");
        vm.getMetadata().setLabels(Map.of("tier", tier));
        vm.setSpec(new HaVmSpec());
        vm.getSpec().setClusterRef(new ObjectRef("main"));
        vm.setStatus(new HaVmStatus());
        vm.getStatus().setVmid(vmid);
        return vm;
    }

    // ---------------------------------------------------------------- backup now

    @Test
    void aNewBackupNowValueStartsOneVzdumpPerNodeHoldingSelectedVms() {
        Plan plan =
                BackupPolicyPlanner.plan(
                        annotated(Pveha.ANNOTATION_BACKUP_NOW, "t1"),
                        null,
                        steady(policy(), cluster().build()),
                        NOW);

        assertThat(plan.action()).containsInstanceOf(BackupPolicyPlanner.StartRun.class);
        List<BackupPolicyPlanner.RunPart> parts =
                ((BackupPolicyPlanner.StartRun) plan.action().get()).parts();
        assertThat(parts)
                .extracting(BackupPolicyPlanner.RunPart::node)
                .containsExactly("pve1", "pve2");
        assertThat(parts.get(0).vmids()).containsExactly(100);
        assertThat(parts.get(0).params())
                .containsEntry("vmid", "100")
                .containsEntry("storage", STORAGE)
                .containsEntry("prune-backups", "keep-last=2")
                .doesNotContainKey("all");
        assertThat(plan.records().handledBackupNow()).isEqualTo("t1");
        assertThat(plan.records().pendingRun().getResult()).isEqualTo("running");
        assertThat(plan.records().pendingRun().getTrigger()).isEqualTo("on-demand");
        assertThat(plan.ready()).as("Ready is about the job, not the run").isTrue();
    }

    @Test
    void aBackupNowValueAlreadyHandledStartsNothing() {
        BackupPolicyStatus status = new BackupPolicyStatus();
        status.setHandledBackupNow("t1");
        Plan plan =
                BackupPolicyPlanner.plan(
                        annotated(Pveha.ANNOTATION_BACKUP_NOW, "t1"),
                        status,
                        steady(policy(), cluster().build()),
                        NOW);
        assertThat(plan.action()).isEmpty();
        assertThat(plan.records().pendingRun()).isNull();
    }

    @Test
    void aBackupNowWithNoSelectedVmInTheClusterFailsTheRunAtOnce() {
        BackupPolicyFacts f =
                withSelection(steady(policy(), cluster().build()), selected(300))
                        .withJobs(
                                new JobRead(
                                        Optional.of(
                                                new ObservedJob(
                                                        BackupJobPlan.desired(
                                                                policy(), List.of(300), true),
                                                        Optional.of(NEXT_RUN)))));
        Plan plan =
                BackupPolicyPlanner.plan(
                        annotated(Pveha.ANNOTATION_BACKUP_NOW, "t1"), null, f, NOW);

        assertThat(plan.action()).isEmpty();
        assertThat(plan.records().pendingRun()).isNull();
        assertThat(plan.records().lastRun().getResult()).isEqualTo("failed");
        assertThat(plan.records().lastRun().getMessage())
                .isEqualTo("no selected VM exists in the cluster");
        assertThat(plan.reason()).isEqualTo(BackupPolicyReason.LastRunFailed);
    }

    @Test
    void nothingIsActedOnWhileATaskOfThePolicyIsPendingOrItsStateUnknown() {
        for (State state : List.of(State.RUNNING, State.UNKNOWN)) {
            BackupPolicyStatus status = new BackupPolicyStatus();
            Run run = new Run();
            run.setResult("running");
            run.setTrigger("on-demand");
            TaskFact vzdump = task("Backup", "pve1", "vzdump", "100", state, null);
            run.getTasks().add(vzdump.task());
            status.setPendingRun(run);
            status.setHandledBackupNow("t1");
            // A new backup-now value and a drill-now value are waiting; the job is not even read.
            BackupPolicy policy =
                    policy(
                            p ->
                                    p.getMetadata()
                                            .setAnnotations(
                                                    Map.of(
                                                            Pveha.ANNOTATION_BACKUP_NOW,
                                                            "t2",
                                                            Pveha.ANNOTATION_DRILL_NOW,
                                                            "d1")));
            Plan plan =
                    BackupPolicyPlanner.plan(
                            policy,
                            withVms(status),
                            withTasks(
                                    facts(cluster().tasksListed().build()), List.of(vzdump), null),
                            NOW);
            assertThat(plan.action()).as(state.name()).isEmpty();
            assertThat(plan.needs().any()).isFalse();
            assertThat(plan.ended()).isEmpty();
            assertThat(plan.records().pendingRun().getTasks()).hasSize(1);
            assertThat(plan.records().drill()).isNull();
            assertThat(plan.requeue()).contains(BackupPolicyPlanner.BUSY);
        }
        BackupPolicyStatus restoring = drilling(BackupPolicyPlanner.RESTORING, vm -> {});
        TaskFact restore = task("Restore", "pve1", "qmrestore", "5000", State.RUNNING, null);
        restoring.getDrill().getVms().get(0).setTask(restore.task());
        Plan plan =
                BackupPolicyPlanner.plan(
                        annotated(Pveha.ANNOTATION_BACKUP_NOW, "t9"),
                        restoring,
                        withTasks(steady(policy(), cluster().build()), List.of(), restore),
                        NOW);
        assertThat(plan.action()).isEmpty();
        assertThat(plan.records().handledBackupNow())
                .as("backup-now waits for the drill's task")
                .isNull();
    }

    @Test
    void runsAndADrillLeftOnAClusterLostToADisasterRecoverySwitchAreAbandonedWithoutACall() {
        TaskFact vzdump = task("Backup", "pve1", "vzdump", "100", State.RUNNING, null);
        BackupPolicyStatus status = runningOn(vzdump);
        status.setPveCluster("store-a");
        Run scheduled = new Run();
        scheduled.setTrigger("scheduled");
        scheduled.setStartedAt(NOW.minusSeconds(300).toString());
        scheduled.setResult("running");
        status.setScheduledRun(scheduled);
        BackupPolicyStatus drilling = drilling(BackupPolicyPlanner.BOOTING, vm -> {});
        status.setDrill(drilling.getDrill());
        status.setVms(drilling.getVms());
        status.setJobId("job");

        // The same records on the cluster that made them: followed, nothing abandoned.
        Plan same =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withTasks(
                                facts(cluster().clusterName("store-a").tasksListed().build()),
                                List.of(vzdump),
                                null),
                        NOW);
        assertThat(same.records().pendingRun()).isNotNull();
        assertThat(same.records().drill().getResult()).isEqualTo("running");

        // After the switch the poll is the standby's: the observer follows none of those tasks
        // (no runTasks), and the planner ends every record without touching a VM.
        Plan moved =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        facts(cluster().clusterName("store-b").tasksListed().build()),
                        NOW);
        assertThat(moved.records().pendingRun()).isNull();
        assertThat(moved.records().scheduledRun()).isNull();
        assertThat(moved.records().lastRun().getResult()).isEqualTo("failed");
        assertThat(moved.records().lastRun().getMessage())
                .contains("PVE cluster store-a", "now store-b");
        DrillStatus drill = moved.records().drill();
        assertThat(drill.getResult()).isEqualTo("failed");
        assertThat(drill.getVms())
                .allSatisfy(
                        vm -> {
                            assertThat(vm.getPhase()).isEqualTo(BackupPolicyPlanner.DONE);
                            assertThat(vm.getReason()).contains("left on store-a");
                        });
        assertThat(moved.action())
                .as("no stop or destroy of scratch VM 5000 on the standby: another VM there")
                .isEmpty();
        assertThat(moved.needs().scratch()).isEmpty();
    }

    // ---------------------------------------------------------------- last run

    static BackupPolicyStatus runningOn(TaskFact... tasks) {
        BackupPolicyStatus status = new BackupPolicyStatus();
        Run run = new Run();
        run.setTrigger("on-demand");
        run.setStartedAt(NOW.minusSeconds(60).toString());
        run.setResult("running");
        for (TaskFact t : tasks) {
            run.getTasks().add(t.task());
        }
        status.setPendingRun(run);
        return status;
    }

    static VzdumpSummary log(String... lines) {
        return VzdumpSummary.parse(List.of(lines));
    }

    @Test
    void anOnDemandRunIsReportedFromItsTasksLogsOnceTheLastTaskEnded() {
        TaskFact pve1 = task("Backup", "pve1", "vzdump", "100", State.SUCCEEDED, "OK");
        TaskFact pve2running = task("Backup", "pve2", "vzdump", "101", State.RUNNING, null);
        BackupPolicyStatus status = runningOn(pve1, pve2running);
        ClusterSnapshot snapshot =
                cluster()
                        .task(pve1.task().getUpid(), "OK")
                        .task(pve2running.task().getUpid(), null)
                        .build();
        String upid1 = pve1.task().getUpid();
        VzdumpSummary ok =
                log(
                        "INFO: starting new backup job: vzdump 100 --storage nfs-backup --mode snapshot",
                        "INFO: Starting Backup of VM 100 (qemu)",
                        "INFO: creating vzdump archive '/mnt/pve/nfs-backup/dump/vzdump-qemu-100-2026_12_01-10_00_00.vma.zst'",
                        "INFO: Finished Backup of VM 100 (00:00:12)");

        Plan needsLog =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withTasks(facts(snapshot), List.of(pve1, pve2running), null),
                        NOW);
        assertThat(needsLog.needs().logs()).containsExactly(upid1);
        assertThat(needsLog.ended()).isEmpty();

        Plan partway =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withTasks(facts(snapshot), List.of(pve1, pve2running), null)
                                .withSummaries(Map.of(upid1, ok)),
                        NOW);
        assertThat(partway.ended()).extracting(t -> t.task().getNode()).containsExactly("pve1");
        assertThat(partway.records().pendingRun().getTasks())
                .extracting(PendingTask::getNode)
                .containsExactly("pve2");
        assertThat(partway.records().pendingRun().getUpids()).containsExactly(upid1);
        assertThat(partway.records().lastRun()).isNull();

        TaskFact pve2 = task("Backup", "pve2", "vzdump", "101", State.FAILED, "job errors");
        BackupPolicyStatus after = runningOn(pve2);
        after.getPendingRun().setUpids(List.of(upid1));
        after.getPendingRun().getVms().addAll(partway.records().pendingRun().getVms());
        VzdumpSummary full =
                log(
                        "INFO: starting new backup job: vzdump 101 --storage nfs-backup",
                        "INFO: Starting Backup of VM 101 (qemu)",
                        "ERROR: Backup of VM 101 failed - vma_queue_write: write error - No space left on device");
        Plan done =
                BackupPolicyPlanner.plan(
                        policy(),
                        after,
                        withTasks(
                                        steady(
                                                policy(),
                                                cluster()
                                                        .task(pve2.task().getUpid(), "job errors")
                                                        .build()),
                                        List.of(pve2),
                                        null)
                                .withSummaries(Map.of(pve2.task().getUpid(), full)),
                        NOW);

        Run last = done.records().lastRun();
        assertThat(done.records().pendingRun()).isNull();
        assertThat(last.getResult()).isEqualTo("partial");
        assertThat(last.getTrigger()).isEqualTo("on-demand");
        assertThat(last.getUpids()).containsExactlyInAnyOrder(upid1, pve2.task().getUpid());
        assertThat(last.getStartedAt())
                .as("PVE's start time of the first task")
                .isEqualTo(Instant.ofEpochSecond(T - 30).toString());
        assertThat(last.getMessage())
                .isEqualTo(
                        "1 VM(s) backed up, 1 failed: VM 101: vma_queue_write: write error - No space left on device");
        assertThat(last.getVms())
                .extracting(BackupPolicyStatus.VmOutcome::getVolume)
                .containsExactly(
                        "nfs-backup:backup/vzdump-qemu-100-2026_12_01-10_00_00.vma.zst", null);
        assertThat(done.reason()).isEqualTo(BackupPolicyReason.LastRunFailed);
    }

    @Test
    void aVzdumpThatFailedBeforeAnyVmFailsEveryVmItWasAskedFor() {
        TaskFact failed =
                task(
                        "Backup",
                        "pve1",
                        "vzdump",
                        "",
                        State.FAILED,
                        "could not activate storage 'nfs-backup'");
        Plan plan =
                BackupPolicyPlanner.plan(
                        policy(),
                        runningOn(failed),
                        withTasks(facts(cluster().build()), List.of(failed), null)
                                .withSummaries(
                                        Map.of(
                                                failed.task().getUpid(),
                                                log(
                                                        "INFO: starting new backup job: vzdump 100 102 --storage nfs-backup"))),
                        NOW);
        assertThat(plan.records().lastRun().getResult()).isEqualTo("failed");
        assertThat(plan.records().lastRun().getMessage())
                .isEqualTo(
                        "0 VM(s) backed up, 2 failed: "
                                + "VM 100: could not activate storage 'nfs-backup'; VM 102: could not activate storage 'nfs-backup'");
    }

    @Test
    void aVzdumpWhoseCallNeverTookEffectFailsItsVmsAndIsNotStartedAgain() {
        TaskFact lost = task("Backup", "pve2", "vzdump", "101", State.NOT_STARTED, null);
        BackupPolicyStatus status = runningOn(lost);
        status.setHandledBackupNow("t1");
        Plan plan =
                BackupPolicyPlanner.plan(
                        annotated(Pveha.ANNOTATION_BACKUP_NOW, "t1"),
                        status,
                        withTasks(steady(policy(), cluster().build()), List.of(lost), null),
                        NOW);
        assertThat(plan.ended()).containsExactly(lost);
        assertThat(plan.records().lastRun().getResult()).isEqualTo("failed");
        assertThat(plan.records().lastRun().getMessage())
                .contains("VM 101: the vzdump on pve2 was never started");
        assertThat(plan.action()).as("the handled value is not run twice").isEmpty();
    }

    // ---------------------------------------------------------------- scheduled runs

    static final Instant FIRED = Instant.parse("2026-12-01T02:00:00Z");

    static BackupPolicyStatus scheduledAt(Instant fired) {
        BackupPolicyStatus status = new BackupPolicyStatus();
        Run run = new Run();
        run.setTrigger("scheduled");
        run.setStartedAt(fired.toString());
        run.setResult("running");
        status.setScheduledRun(run);
        return status;
    }

    static String scheduledUpid(String node, long start) {
        return Snapshots.upid(node, "vzdump", "", start, "root@pam");
    }

    @Test
    void aJobWhoseNextRunMovedOnIsFollowedAsAScheduledRunButNotAfterTheOperatorsOwnChange() {
        BackupPolicyStatus status = new BackupPolicyStatus();
        status.setNextRun(FIRED.toString());
        Plan plan =
                BackupPolicyPlanner.plan(
                        policy(), status, steady(policy(), cluster().build()), NOW);
        assertThat(plan.records().scheduledRun()).isNotNull();
        assertThat(plan.records().scheduledRun().getStartedAt())
                .as("PVE's time of the run, from PVE's next-run")
                .isEqualTo(FIRED.toString());
        assertThat(plan.requeue()).contains(BackupPolicyPlanner.BUSY);

        status.setNextRun(null); // the operator changed the job: its next-run was left out
        assertThat(
                        BackupPolicyPlanner.plan(
                                        policy(), status, steady(policy(), cluster().build()), NOW)
                                .records()
                                .scheduledRun())
                .isNull();
        status.setNextRun(NEXT_RUN.toString()); // unchanged
        assertThat(
                        BackupPolicyPlanner.plan(
                                        policy(), status, steady(policy(), cluster().build()), NOW)
                                .records()
                                .scheduledRun())
                .isNull();
    }

    @Test
    void aScheduledRunWaitsForAPollListingTasks() {
        Plan plan =
                BackupPolicyPlanner.plan(
                        policy(), scheduledAt(FIRED), steady(policy(), cluster().build()), NOW);
        assertThat(plan.pollSoon()).isTrue();
        assertThat(plan.records().scheduledRun()).isNotNull();
        assertThat(plan.records().lastRun()).isNull();
    }

    @Test
    void aScheduledRunIsReportedFromThePvesVzdumpTasksThatWroteToThePolicysStorage() {
        long fired = FIRED.getEpochSecond();
        String ours1 = scheduledUpid("pve1", fired);
        String ours2 = scheduledUpid("pve2", fired + 1);
        String otherJob = scheduledUpid("pve1", fired + 2);
        String byTheOperator = Snapshots.upid("pve1", "vzdump", "100", fired + 3);
        String earlier = scheduledUpid("pve1", fired - 86_400);
        ClusterSnapshot snapshot =
                cluster()
                        .task(ours1, "OK")
                        .task(ours2, "job errors")
                        .task(otherJob, "OK")
                        .task(byTheOperator, "OK")
                        .task(earlier, "OK")
                        .build();
        BackupPolicyFacts f = steady(policy(), snapshot);

        Plan needsLogs = BackupPolicyPlanner.plan(policy(), scheduledAt(FIRED), f, NOW);
        assertThat(needsLogs.needs().logs())
                .as("only vzdumps of others since the job fired")
                .containsExactlyInAnyOrder(ours1, ours2, otherJob);

        Plan plan =
                BackupPolicyPlanner.plan(
                        policy(),
                        scheduledAt(FIRED),
                        f.withSummaries(
                                Map.of(
                                        ours1,
                                                log(
                                                        "INFO: starting new backup job: vzdump 100 --storage nfs-backup",
                                                        "INFO: Starting Backup of VM 100 (qemu)",
                                                        "INFO: creating vzdump archive '/mnt/pve/nfs-backup/dump/vzdump-qemu-100-2026_12_01-02_00_00.vma.zst'",
                                                        "INFO: Finished Backup of VM 100 (00:00:12)"),
                                        ours2,
                                                log(
                                                        "INFO: starting new backup job: vzdump 101 --storage nfs-backup",
                                                        "INFO: Starting Backup of VM 101 (qemu)",
                                                        "ERROR: Backup of VM 101 failed - VM is locked (clone)"),
                                        otherJob,
                                                log(
                                                        "INFO: starting new backup job: vzdump 100 --storage local",
                                                        "INFO: Starting Backup of VM 100 (qemu)",
                                                        "INFO: Finished Backup of VM 100 (00:00:02)"))),
                        NOW);

        Run last = plan.records().lastRun();
        assertThat(plan.records().scheduledRun()).isNull();
        assertThat(last.getTrigger()).isEqualTo("scheduled");
        assertThat(last.getUpids()).containsExactly(ours1, ours2);
        assertThat(last.getResult()).isEqualTo("partial");
        assertThat(last.getMessage())
                .isEqualTo("1 VM(s) backed up, 1 failed: VM 101: VM is locked (clone)");
        assertThat(last.getStartedAt()).isEqualTo(FIRED.toString());
    }

    @Test
    void aScheduledRunWaitsWhileAnotherNodesPartRuns() {
        long fired = FIRED.getEpochSecond();
        String done = scheduledUpid("pve1", fired);
        ClusterSnapshot snapshot =
                cluster().task(done, "OK").task(scheduledUpid("pve2", fired + 1), null).build();
        Plan plan =
                BackupPolicyPlanner.plan(
                        policy(),
                        scheduledAt(FIRED),
                        steady(policy(), snapshot)
                                .withSummaries(
                                        Map.of(
                                                done,
                                                log(
                                                        "INFO: starting new backup job: vzdump 100 --storage nfs-backup",
                                                        "INFO: Finished Backup of VM 100 (00:00:12)"))),
                        NOW);
        assertThat(plan.records().lastRun()).isNull();
        assertThat(plan.records().scheduledRun()).isNotNull();
    }

    @Test
    void aScheduledRunThatStartedNoBackupIsReportedMissedUnlessTheStorageShowsOne() {
        ClusterSnapshot quiet = cluster().tasksListed().build();
        Plan needsBackups =
                BackupPolicyPlanner.plan(
                        policy(),
                        scheduledAt(FIRED),
                        facts(quiet).withJobs(jobInSync(policy(), NEXT_RUN)),
                        NOW);
        assertThat(needsBackups.needs().backups()).isTrue();

        Plan missed =
                BackupPolicyPlanner.plan(
                        policy(), scheduledAt(FIRED), steady(policy(), quiet), NOW);
        assertThat(missed.records().scheduledRun()).isNull();
        assertThat(missed.records().lastRun().getResult()).isEqualTo("failed");
        assertThat(missed.records().lastRun().getMessage())
                .contains(
                        "scheduled run at 2026-12-01T02:00:00Z started no backup",
                        "nodes online",
                        "storage nfs-backup available");
        assertThat(missed.reason()).isEqualTo(BackupPolicyReason.LastRunFailed);

        // The tasks are no longer listed (the operator was down), but the backups are there:
        // nothing is claimed.
        BackupPolicyFacts backedUp =
                facts(quiet)
                        .withJobs(jobInSync(policy(), NEXT_RUN))
                        .withBackups(
                                new BackupsRead(
                                        List.of(
                                                new StoredBackup(
                                                        100,
                                                        VOLUME_100,
                                                        FIRED.getEpochSecond() + 10,
                                                        1024,
                                                        false)),
                                        Optional.empty()));
        Plan aged = BackupPolicyPlanner.plan(policy(), scheduledAt(FIRED), backedUp, NOW);
        assertThat(aged.records().scheduledRun()).isNull();
        assertThat(aged.records().lastRun()).isNull();
    }

    // ---------------------------------------------------------------- backups and retention

    @Test
    void eachVmsLatestBackupAndWhatTheNextPruneRemovesAreReported() {
        BackupPolicyStatus status = new BackupPolicyStatus();
        BackupPolicyStatus.VmBackup gone = new BackupPolicyStatus.VmBackup();
        gone.setVmid(120);
        gone.setHaVm("old-db");
        status.getVms().add(gone);
        List<StoredBackup> backups =
                List.of(
                        new StoredBackup(100, "nfs-backup:backup/a", T - 3 * 86_400, 10, false),
                        new StoredBackup(100, "nfs-backup:backup/b", T - 2 * 86_400, 11, false),
                        new StoredBackup(100, "nfs-backup:backup/c", T - 86_400, 12, false),
                        new StoredBackup(100, "nfs-backup:backup/p", T - 9 * 86_400, 9, true),
                        new StoredBackup(120, "nfs-backup:backup/x", T - 86_400, 5, false));
        BackupPolicyFacts f =
                facts(cluster().build())
                        .withJobs(jobInSync(policy(), NEXT_RUN))
                        .withBackups(new BackupsRead(backups, Optional.empty()));
        Plan plan = BackupPolicyPlanner.plan(policy(), status, f, NOW);

        BackupPolicyPlanner.BackupReport report = plan.report().orElseThrow();
        assertThat(report.vms())
                .extracting(BackupPolicyStatus.VmBackup::getVmid)
                .containsExactly(100, 120);
        assertThat(report.vms().get(0).getVolume()).isEqualTo("nfs-backup:backup/c");
        assertThat(report.vms().get(0).getCount()).isEqualTo(4);
        assertThat(report.vms().get(0).getHaVm()).isEqualTo("web");
        assertThat(report.vms().get(1).getHaVm())
                .as("a VM listed before stays while it has backups")
                .isEqualTo("old-db");
        assertThat(report.notCovered()).containsExactly(101);
        assertThat(report.retentionPreview())
                .as("keep-last=2; protected backups are never pruned")
                .containsExactly("nfs-backup:backup/a");
    }

    @Test
    void backupsAreTiedToTheirHaVmByTheNotesWhateverClusterOrVmidWroteThem() {
        // Archives on a shared export: web's from the lost cluster (VMID 100) and from the one it
        // was rebuilt on (VMID 7100), another platform's VM 100, one before the marker, and one
        // the last drill could not restore.
        String mark = "nightly pveha.io/havm=store/web@";
        BackupPolicyStatus status = new BackupPolicyStatus();
        status.setDrill(new DrillStatus());
        DrillVm bad = new DrillVm();
        bad.setVmid(100);
        bad.setVolume("nfs-backup:backup/d");
        bad.setResult("Failed");
        bad.setPhase("Done");
        bad.setReason("restoring nfs-backup:backup/d failed: vma extract failed");
        status.getDrill().getVms().add(bad);
        List<StoredBackup> backups =
                List.of(
                        new StoredBackup(
                                100,
                                "nfs-backup:backup/a",
                                T - 3 * 86_400,
                                10,
                                false,
                                mark + "site-a"),
                        new StoredBackup(
                                100,
                                "nfs-backup:backup/b",
                                T - 2 * 86_400,
                                11,
                                false,
                                mark + "site-a"),
                        new StoredBackup(
                                7100,
                                "nfs-backup:backup/c",
                                T - 86_400,
                                12,
                                false,
                                mark + "site-b"),
                        new StoredBackup(
                                7100, "nfs-backup:backup/d", T - 3_600, 13, false, mark + "site-b"),
                        new StoredBackup(
                                100,
                                "nfs-backup:backup/other",
                                T - 60,
                                99,
                                false,
                                "pveha.io/havm=store-18/web@site-c"),
                        new StoredBackup(
                                101, "nfs-backup:backup/legacy", T - 86_400, 7, false, null));
        Selection selection =
                new Selection(
                        Set.of(100, 101),
                        Map.of(100, "web", 101, "db"),
                        false,
                        Map.of("web", "web", "db-vm", "db"));
        BackupPolicyFacts f =
                withSelection(facts(cluster().build()), selection)
                        .withJobs(jobInSync(policy(), NEXT_RUN))
                        .withBackups(new BackupsRead(backups, Optional.empty()));
        Plan plan = BackupPolicyPlanner.plan(policy(), status, f, NOW);

        BackupPolicyPlanner.BackupReport report = plan.report().orElseThrow();
        assertThat(report.vms())
                .extracting(
                        BackupPolicyStatus.VmBackup::getHaVm,
                        BackupPolicyStatus.VmBackup::getVmid,
                        BackupPolicyStatus.VmBackup::getVolume,
                        BackupPolicyStatus.VmBackup::getIdentifiedBy)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "db", 101, "nfs-backup:backup/legacy", "vmid"),
                        org.assertj.core.groups.Tuple.tuple(
                                "web", 7100, "nfs-backup:backup/c", "notes"));
        BackupPolicyStatus.VmBackup web = report.vms().get(1);
        assertThat(web.getCount()).isEqualTo(4);
        assertThat(web.getWrittenBy()).isEqualTo("site-b");
        assertThat(web.getPrevious())
                .as(
                        "older good ones, newest first; the one the drill could not restore is left out")
                .extracting(BackupPolicyStatus.BackupVolume::getVolume)
                .containsExactly("nfs-backup:backup/b", "nfs-backup:backup/a");
        assertThat(report.notCovered()).isEmpty();
        assertThat(BackupMarker.parse("x pveha.io/havm=store/web@site-b"))
                .contains(new BackupMarker.Identity("store", "web", "site-b"));
        assertThat(BackupMarker.parse("pveha.io/havm=Store/web@x")).isEmpty();
    }

    // ---------------------------------------------------------------- drill: start

    @Test
    void drillNowListsTheSelectedVmsWithABackupAndRestoresTheFirstOnItsNode() {
        BackupPolicy policy = annotated(Pveha.ANNOTATION_DRILL_NOW, "d1");
        policy.getSpec().setDrill(new BackupPolicySpec.Drill());
        policy.getSpec().getDrill().setStorage("scratch-lvm");
        Plan plan =
                BackupPolicyPlanner.plan(
                        policy,
                        withVms(new BackupPolicyStatus()),
                        steady(policy, cluster().build()),
                        NOW);

        DrillStatus drill = plan.records().drill();
        assertThat(drill.getResult()).isEqualTo("running");
        assertThat(drill.getTrigger()).isEqualTo("on-demand");
        assertThat(drill.getHandledDrillNow()).isEqualTo("d1");
        assertThat(drill.getVms())
                .singleElement()
                .satisfies(
                        vm -> {
                            assertThat(vm.getPhase()).isEqualTo(BackupPolicyPlanner.RESTORING);
                            assertThat(vm.getNode()).isEqualTo("pve1");
                            assertThat(vm.getScratchVmid())
                                    .as("allocated when the restore is carried out")
                                    .isNull();
                        });
        DrillTask restore = (DrillTask) plan.action().orElseThrow();
        assertThat(restore.step()).isEqualTo(Step.RESTORE);
        assertThat(restore.params())
                .containsEntry("archive", VOLUME_100)
                .containsEntry("unique", 1)
                .containsEntry("storage", "scratch-lvm")
                .containsEntry("tags", BackupPolicyPlanner.TAG)
                .doesNotContainKey("start");
        assertThat((String) restore.params().get("description"))
                .contains(BackupPolicyPlanner.MARKER + "uid-1");
        assertThat(plan.needs().backups())
                .as("the backups report waits while a drill runs")
                .isFalse();
    }

    @Test
    void aDrillWithNothingToRestoreFailsAtOnce() {
        Plan plan =
                BackupPolicyPlanner.plan(
                        annotated(Pveha.ANNOTATION_DRILL_NOW, "d1"),
                        null,
                        steady(policy(), cluster().build()),
                        NOW);
        assertThat(plan.action()).isEmpty();
        assertThat(plan.records().drill().getResult()).isEqualTo("failed");
        assertThat(plan.records().drill().getMessage())
                .isEqualTo("no selected VM has a backup to restore");
        assertThat(plan.ready()).as("a failed drill does not make the policy unready").isTrue();
    }

    @Test
    void aScheduledDrillThatCameDueWhileNoPassRanStartsOnceAtTheNextPass() {
        BackupPolicy policy =
                policy(
                        p -> {
                            p.getSpec().setDrill(new BackupPolicySpec.Drill());
                            p.getSpec().getDrill().setEnabled(true);
                            p.getSpec().getDrill().setSchedule("sun 04:00");
                        });
        BackupPolicyStatus status = withVms(new BackupPolicyStatus());
        status.setDrill(new DrillStatus());
        status.getDrill().setNextRun("2026-11-22T04:00:00Z"); // a Sunday nine days ago
        Plan plan =
                BackupPolicyPlanner.plan(policy, status, steady(policy, cluster().build()), NOW);

        assertThat(plan.records().drill().getTrigger()).isEqualTo("scheduled");
        assertThat(plan.records().drill().getNextRun())
                .as("the next one, not the missed ones")
                .isEqualTo("2026-12-06T04:00:00Z");
        assertThat(plan.action()).containsInstanceOf(DrillTask.class);

        status.getDrill().setNextRun("2026-12-06T04:00:00Z");
        Plan notDue =
                BackupPolicyPlanner.plan(policy, status, steady(policy, cluster().build()), NOW);
        assertThat(notDue.records().drill().getResult()).isNull();
        assertThat(notDue.action()).isEmpty();
    }

    // ---------------------------------------------------------------- drill: phases

    @Test
    void aRestoreInFlightIsWaitedForAndItsSuccessLeadsToConfiguring() {
        BackupPolicyStatus status = drilling(BackupPolicyPlanner.RESTORING, vm -> {});
        TaskFact running = task("Restore", "pve1", "qmrestore", "5000", State.RUNNING, null);
        Plan waiting =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withTasks(facts(cluster().build()), List.of(), running),
                        NOW);
        assertThat(waiting.action()).isEmpty();
        assertThat(waiting.requeue()).contains(BackupPolicyPlanner.DRILL_STEP);

        TaskFact ok = task("Restore", "pve1", "qmrestore", "5000", State.SUCCEEDED, "OK");
        Plan next =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withTasks(steady(policy(), cluster().build()), List.of(), ok),
                        NOW);
        assertThat(next.ended()).containsExactly(ok);
        assertThat(drilled(next).getPhase()).isEqualTo(BackupPolicyPlanner.CONFIGURING);
        assertThat(drilled(next).getTask()).isNull();
        assertThat(next.needs().scratch())
                .contains(new BackupPolicyPlanner.ScratchRef("pve1", 5000));
    }

    @Test
    void aFailedRestoreFailsTheVmWithPvesReasonAndCleansUp() {
        BackupPolicyStatus status = drilling(BackupPolicyPlanner.RESTORING, vm -> {});
        TaskFact failed =
                new TaskFact(
                        State.FAILED,
                        task("Restore", "pve1", "qmrestore", "5000", State.RUNNING, null).task(),
                        true,
                        "command 'vma extract' failed: exit code 133",
                        List.of("vma: truncated archive"));
        Plan plan =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withScratch(
                                withTasks(steady(policy(), cluster().build()), List.of(), failed),
                                null),
                        NOW);

        DrillVm vm = drilled(plan);
        assertThat(vm.getResult()).isEqualTo(BackupPolicyPlanner.FAILED);
        assertThat(vm.getReason())
                .isEqualTo(
                        "restoring "
                                + VOLUME_100
                                + " failed: command 'vma extract' failed: exit code 133"
                                + " (log: vma: truncated archive)");
        assertThat(vm.getPhase())
                .as("a failed restore leaves no VM: nothing to clean")
                .isEqualTo(BackupPolicyPlanner.DONE);
        assertThat(plan.records().drill().getResult()).isEqualTo("failed");
        assertThat(plan.records().drill().getMessage())
                .startsWith("0 of 1 VM(s) passed: VM 100: restoring " + VOLUME_100);
    }

    @Test
    void anInterruptedRestoreIsFollowedNotRepeatedAndOnlyRestoredAgainWhenItNeverReachedPve() {
        BackupPolicyStatus status = drilling(BackupPolicyPlanner.RESTORING, vm -> {});
        TaskFact intent = task("Restore", "pve1", "qmrestore", "5000", State.UNKNOWN, null);
        intent.task().setUpid(null);
        status.getDrill().getVms().get(0).setTask(intent.task());
        Plan unknown =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withTasks(steady(policy(), cluster().build()), List.of(), intent),
                        NOW);
        assertThat(unknown.action()).as("the ledger is still looking for it").isEmpty();

        TaskFact never = new TaskFact(State.NOT_STARTED, intent.task(), true, null, List.of());
        Plan again =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withTasks(steady(policy(), cluster().build()), List.of(), never),
                        NOW);
        assertThat(again.action())
                .get()
                .satisfies(
                        a -> {
                            DrillTask restore = (DrillTask) a;
                            assertThat(restore.step()).isEqualTo(Step.RESTORE);
                            assertThat(restore.scratchVmid())
                                    .as("the recorded scratch VMID again")
                                    .isEqualTo(5000);
                            assertThat(restore.params()).containsEntry("vmid", 5000);
                        });

        ClusterSnapshot taken = cluster().vm(5000, "pve1", "stopped").build();
        Plan takenPlan =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withScratch(
                                withTasks(steady(policy(), taken), List.of(), never),
                                Map.of("name", "someone-elses")),
                        NOW);
        assertThat(drilled(takenPlan).getReason())
                .startsWith("VMID 5000 was taken before the restore was sent");
        assertThat(takenPlan.action()).as("never destroyed: it lacks the marks").isEmpty();
        assertThat(drilled(takenPlan).getPhase()).isEqualTo(BackupPolicyPlanner.DONE);
    }

    @Test
    void configuringDisconnectsEveryNicAndDropsOnbootBeforeTheFirstStart() {
        BackupPolicyStatus status = drilling(BackupPolicyPlanner.CONFIGURING, vm -> {});
        Map<String, String> restored =
                scratchConfig(
                        "uid-1", "net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0", "onboot", "1");
        Plan isolate =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withScratch(steady(policy(), cluster().build()), restored),
                        NOW);
        assertThat(isolate.action())
                .get()
                .isEqualTo(
                        new DrillTask(
                                0,
                                Step.ISOLATE,
                                "pve1",
                                5000,
                                Map.of(
                                        "net0",
                                        "virtio=BC:24:11:00:00:01,bridge=vmbr0,link_down=1",
                                        "delete",
                                        "onboot")));

        Plan start =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withScratch(steady(policy(), cluster().build()), scratchConfig("uid-1")),
                        NOW);
        assertThat(start.action())
                .get()
                .isEqualTo(new DrillTask(0, Step.START, "pve1", 5000, Map.of()));
        assertThat(drilled(start).getPhase()).isEqualTo(BackupPolicyPlanner.STARTING);

        Plan locked =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withScratch(
                                steady(policy(), cluster().build()),
                                scratchConfig("uid-1", "lock", "create")),
                        NOW);
        assertThat(locked.action()).isEmpty();
        assertThat(locked.pollSoon()).isTrue();
    }

    @Test
    void aScratchVmWithoutTheDrillsTagAndThisPolicysMarkerIsNeverStoppedOrDestroyed() {
        Map<String, String> otherPolicys = scratchConfig("uid-2");
        Map<String, String> untagged = scratchConfig("uid-1");
        untagged.put("tags", "prod");
        for (Map<String, String> config : List.of(otherPolicys, untagged)) {
            Plan configuring =
                    BackupPolicyPlanner.plan(
                            policy(),
                            drilling(BackupPolicyPlanner.CONFIGURING, vm -> {}),
                            withScratch(
                                    steady(policy(), cluster().vm(5000, "pve1", "running").build()),
                                    config),
                            NOW);
            assertThat(configuring.action()).isEmpty();
            assertThat(drilled(configuring).getPhase()).isEqualTo(BackupPolicyPlanner.DONE);
            assertThat(drilled(configuring).getReason())
                    .contains("does not carry the drill's marks", "it was left alone");

            Plan cleaning =
                    BackupPolicyPlanner.plan(
                            policy(),
                            drilling(BackupPolicyPlanner.CLEANING_UP, vm -> {}),
                            withScratch(
                                    steady(policy(), cluster().vm(5000, "pve1", "running").build()),
                                    config),
                            NOW);
            assertThat(cleaning.action()).isEmpty();
            assertThat(drilled(cleaning).getResult()).isEqualTo(BackupPolicyPlanner.FAILED);
        }
    }

    @Test
    void aStartedScratchVmPassesWhenThePollShowsItRunningBeforeTheDeadline() {
        TaskFact started = task("Start", "pve1", "qmstart", "5000", State.SUCCEEDED, "OK");
        Plan booting =
                BackupPolicyPlanner.plan(
                        policy(),
                        drilling(BackupPolicyPlanner.STARTING, vm -> {}),
                        withTasks(
                                steady(policy(), cluster().vm(5000, "pve1", "stopped").build()),
                                List.of(),
                                started),
                        NOW);
        assertThat(drilled(booting).getPhase()).isEqualTo(BackupPolicyPlanner.BOOTING);
        assertThat(drilled(booting).getBootDeadline()).isEqualTo(NOW.plusSeconds(300).toString());
        assertThat(booting.action()).isEmpty();
        assertThat(booting.pollSoon()).isTrue();

        BackupPolicyStatus status =
                drilling(
                        BackupPolicyPlanner.BOOTING,
                        vm -> vm.setBootDeadline(NOW.plusSeconds(200).toString()));
        Plan passed =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withScratch(
                                steady(policy(), cluster().vm(5000, "pve1", "running").build()),
                                scratchConfig("uid-1")),
                        NOW);
        assertThat(drilled(passed).getResult()).isEqualTo(BackupPolicyPlanner.PASSED);
        assertThat(drilled(passed).getReason())
                .contains("reached running with its NICs disconnected");
        assertThat(passed.action())
                .as("cleanup follows in the same pass")
                .get()
                .isEqualTo(new DrillTask(0, Step.STOP, "pve1", 5000, Map.of()));
    }

    @Test
    void aFailedStartOrNicChangeFailsTheVmAndItsScratchVmIsDestroyed() {
        TaskFact startFailed =
                task(
                        "Start",
                        "pve1",
                        "qmstart",
                        "5000",
                        State.FAILED,
                        "start failed: QEMU exited with code 1");
        Plan start =
                BackupPolicyPlanner.plan(
                        policy(),
                        drilling(BackupPolicyPlanner.STARTING, vm -> {}),
                        withScratch(
                                withTasks(
                                        steady(
                                                policy(),
                                                cluster().vm(5000, "pve1", "stopped").build()),
                                        List.of(),
                                        startFailed),
                                scratchConfig("uid-1")),
                        NOW);
        assertThat(drilled(start).getReason())
                .isEqualTo(
                        "starting scratch VM 5000 failed: start failed: QEMU exited with code 1");
        assertThat(start.action())
                .get()
                .extracting(a -> ((DrillTask) a).step())
                .isEqualTo(Step.DESTROY);

        TaskFact isolateFailed =
                task("Isolate", "pve1", "qmconfig", "5000", State.FAILED, "unable to parse net0");
        Plan isolate =
                BackupPolicyPlanner.plan(
                        policy(),
                        drilling(BackupPolicyPlanner.CONFIGURING, vm -> {}),
                        withScratch(
                                withTasks(
                                        steady(
                                                policy(),
                                                cluster().vm(5000, "pve1", "stopped").build()),
                                        List.of(),
                                        isolateFailed),
                                scratchConfig("uid-1")),
                        NOW);
        assertThat(drilled(isolate).getReason())
                .isEqualTo("disconnecting the scratch VM's NICs failed: unable to parse net0");
        assertThat(drilled(isolate).getResult()).isEqualTo(BackupPolicyPlanner.FAILED);
        assertThat(isolate.action())
                .as("never started with its NICs connected")
                .get()
                .extracting(a -> ((DrillTask) a).step())
                .isEqualTo(Step.DESTROY);
    }

    @Test
    void aScratchVmThatDoesNotRunByTheDeadlineFailsTheDrill() {
        BackupPolicyStatus status =
                drilling(
                        BackupPolicyPlanner.BOOTING,
                        vm -> vm.setBootDeadline(NOW.minusSeconds(1).toString()));
        Plan plan =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withScratch(
                                steady(policy(), cluster().vm(5000, "pve1", "stopped").build()),
                                scratchConfig("uid-1")),
                        NOW);
        assertThat(drilled(plan).getResult()).isEqualTo(BackupPolicyPlanner.FAILED);
        assertThat(drilled(plan).getReason())
                .contains("did not reach running by " + NOW.minusSeconds(1));
        assertThat(plan.action())
                .get()
                .isEqualTo(
                        new DrillTask(
                                0,
                                Step.DESTROY,
                                "pve1",
                                5000,
                                Map.of("purge", 1, "destroy-unreferenced-disks", 1)));
    }

    @Test
    void cleanupStopsThenDestroysWhateverAnOlderPollSaysAndTheDrillFinishes() {
        BackupPolicyStatus status =
                drilling(
                        BackupPolicyPlanner.CLEANING_UP,
                        vm -> {
                            vm.setResult(BackupPolicyPlanner.PASSED);
                            vm.setReason("restored");
                        });
        TaskFact stopped =
                new TaskFact(
                        State.SUCCEEDED,
                        task("Stop", "pve1", "qmstop", "5000", State.RUNNING, null).task(),
                        false,
                        "OK",
                        List.of());
        Plan destroy =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withScratch(
                                withTasks(
                                        steady(
                                                policy(),
                                                cluster().vm(5000, "pve1", "running").build()),
                                        List.of(),
                                        stopped),
                                scratchConfig("uid-1")),
                        NOW);
        assertThat(destroy.action())
                .get()
                .extracting(a -> ((DrillTask) a).step())
                .isEqualTo(Step.DESTROY);

        TaskFact destroyed = task("Destroy", "pve1", "qmdestroy", "5000", State.SUCCEEDED, "OK");
        Plan done =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withTasks(steady(policy(), cluster().build()), List.of(), destroyed),
                        NOW);
        assertThat(drilled(done).getPhase()).isEqualTo(BackupPolicyPlanner.DONE);
        assertThat(done.records().drill().getResult()).isEqualTo("passed");
        assertThat(done.records().drill().getMessage()).isEqualTo("1 of 1 VM(s) passed");
        assertThat(done.records().drill().getFinishedAt()).isEqualTo(NOW.toString());

        Plan gone =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withScratch(steady(policy(), cluster().build()), null),
                        NOW);
        assertThat(gone.action()).as("a VM that is gone needs nothing").isEmpty();
        assertThat(drilled(gone).getPhase()).isEqualTo(BackupPolicyPlanner.DONE);

        TaskFact stopFailed =
                task("Stop", "pve1", "qmstop", "5000", State.FAILED, "VM quit/powerdown failed");
        Plan left =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withTasks(steady(policy(), cluster().build()), List.of(), stopFailed),
                        NOW);
        assertThat(drilled(left).getPhase()).isEqualTo(BackupPolicyPlanner.DONE);
        assertThat(drilled(left).getReason())
                .contains("stopping scratch VM 5000 failed", "remove it by hand");
    }

    @Test
    void aDrillOfSeveralVmsGoesOnToTheNextVmWhenOneIsDone() {
        BackupPolicyStatus status =
                drilling(
                        BackupPolicyPlanner.CLEANING_UP,
                        vm -> vm.setResult(BackupPolicyPlanner.PASSED));
        DrillVm second = new DrillVm();
        second.setVmid(101);
        second.setVolume(STORAGE + ":backup/vzdump-qemu-101.vma.zst");
        second.setPhase(BackupPolicyPlanner.PENDING);
        status.getDrill().getVms().add(second);
        TaskFact destroyed = task("Destroy", "pve1", "qmdestroy", "5000", State.SUCCEEDED, "OK");
        Plan plan =
                BackupPolicyPlanner.plan(
                        policy(),
                        status,
                        withTasks(steady(policy(), cluster().build()), List.of(), destroyed),
                        NOW);

        assertThat(plan.action())
                .get()
                .satisfies(
                        a -> {
                            assertThat(((DrillTask) a).index()).isEqualTo(1);
                            assertThat(((DrillTask) a).node())
                                    .as("VM 101's node")
                                    .isEqualTo("pve2");
                        });
        assertThat(plan.records().drill().getResult()).isEqualTo("running");
    }

    // ---------------------------------------------------------------- deletion

    @Test
    void deletingThePolicyDuringADrillFailsTheRestAndDestroysTheScratchVmBeforeTheJob() {
        BackupPolicyStatus status =
                drilling(
                        BackupPolicyPlanner.BOOTING,
                        vm -> vm.setBootDeadline(NOW.plusSeconds(100).toString()));
        DrillVm second = new DrillVm();
        second.setVmid(101);
        second.setPhase(BackupPolicyPlanner.PENDING);
        status.getDrill().getVms().add(second);
        BackupPolicyFacts f =
                withScratch(
                        facts(cluster().vm(5000, "pve1", "running").build()),
                        scratchConfig("uid-1"));
        Plan plan = BackupPolicyPlanner.planDeletion(policy(), status, f, NOW);

        assertThat(plan.finished()).isFalse();
        assertThat(plan.action())
                .get()
                .isEqualTo(new DrillTask(0, Step.STOP, "pve1", 5000, Map.of()));
        assertThat(plan.records().drill().getVms().get(0).getReason())
                .isEqualTo("the BackupPolicy was deleted during the drill");
        assertThat(plan.records().drill().getVms().get(1).getReason())
                .isEqualTo("the BackupPolicy was deleted before this VM's turn");
        assertThat(plan.records().drill().getVms().get(1).getPhase())
                .isEqualTo(BackupPolicyPlanner.DONE);
        assertThat(plan.reason()).isEqualTo(BackupPolicyReason.Deleting);
    }

    @Test
    void deletingThePolicyWaitsForADrillTaskInFlight() {
        BackupPolicyStatus status = drilling(BackupPolicyPlanner.RESTORING, vm -> {});
        TaskFact restore = task("Restore", "pve1", "qmrestore", "5000", State.RUNNING, null);
        Plan plan =
                BackupPolicyPlanner.planDeletion(
                        policy(),
                        status,
                        withTasks(facts(cluster().build()), List.of(), restore),
                        NOW);
        assertThat(plan.action()).isEmpty();
        assertThat(plan.finished()).isFalse();
        assertThat(plan.needs().any()).isFalse();
    }

    @Test
    void deletingThePolicyDeletesItsJobLastAndThenFinishes() {
        BackupPolicyFacts f = facts(cluster().build());
        assertThat(BackupPolicyPlanner.planDeletion(policy(), null, f, NOW).needs().jobs())
                .isTrue();

        Plan delete =
                BackupPolicyPlanner.planDeletion(
                        policy(), null, f.withJobs(jobInSync(policy(), NEXT_RUN)), NOW);
        assertThat(delete.action())
                .get()
                .isEqualTo(new BackupPolicyPlanner.DeleteJob(BackupJobPlan.jobId(policy())));
        assertThat(delete.finished()).isFalse();

        Plan done =
                BackupPolicyPlanner.planDeletion(
                        policy(), null, f.withJobs(new JobRead(Optional.empty())), NOW);
        assertThat(done.finished()).isTrue();
        assertThat(done.action()).isEmpty();
    }
}
