package io.pveha.reconciler.vm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.api.DeletionPolicy;
import io.pveha.api.ObjectRef;
import io.pveha.api.PendingTask;
import io.pveha.api.Pveha;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.vm.BackupSource;
import io.pveha.api.vm.Disk;
import io.pveha.api.vm.EmptySource;
import io.pveha.api.vm.Ha;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmSpec;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.api.vm.IsoSource;
import io.pveha.api.vm.Placement;
import io.pveha.api.vm.PowerState;
import io.pveha.api.vm.RestartPolicy;
import io.pveha.api.vm.Source;
import io.pveha.api.vm.TemplateSource;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveErrorKind;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.HaGroup;
import io.pveha.pve.model.HaStatusEntry;
import io.pveha.pve.model.VmConfig;
import io.pveha.reconciler.ClusterView;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Note;
import io.pveha.reconciler.task.TaskLedger;
import io.pveha.reconciler.task.TaskLedger.State;
import io.pveha.testing.Snapshots;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The HaVm planners, decision by decision, without a network: every acceptance path and what must
 * never happen.
 */
class HaVmPlannerTest {
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final int VMID = 201;
    static final int TEMPLATE = 9000;

    // ---------------------------------------------------------------- fixtures

    static HaVm vm(Consumer<HaVmSpec> spec) {
        HaVm vm = new HaVm();
        vm.getMetadata().setName("pos-api-1");
        vm.getMetadata().setNamespace("store");
        vm.getMetadata().setUid("0f6b6a1c-5a52-4c71-9a3e-2f8c1d9e0a11");
        vm.getMetadata().setGeneration(1L);
        vm.setSpec(new HaVmSpec());
        vm.getSpec().setClusterRef(new ObjectRef("main"));
        Source source = new Source();
        TemplateSource t = new TemplateSource();
        t.setVmid(TEMPLATE);
        source.setTemplate(t);
        vm.getSpec().setSource(source);
        spec.accept(vm.getSpec());
        return vm;
    }

    /** A HaVm whose VM exists and was found in sync at NOW. */
    static HaVm provisioned(Consumer<HaVmSpec> spec) {
        HaVm vm = vm(spec);
        HaVmStatus status = new HaVmStatus();
        status.setVmid(VMID);
        status.setObservedGeneration(1L);
        status.setConditions(
                Conditions.set(
                        Conditions.set(
                                status.getConditions(),
                                "Provisioned",
                                "True",
                                "Provisioned",
                                "",
                                1L,
                                NOW),
                        "InSync",
                        "True",
                        "InSync",
                        "",
                        1L,
                        NOW));
        vm.setStatus(status);
        return vm;
    }

    static String ourTags(HaVm vm) {
        return "pveha;" + Ownership.ownerTag(vm);
    }

    static Snapshots cluster() {
        return Snapshots.at(NOW)
                .node("pve1")
                .node("pve2")
                .node("pve3")
                .storage("pve1", "ceph-vm", "rbd")
                .vm(TEMPLATE, "pve1", "stopped", null, null, true);
    }

    static ClusterResource resource(ClusterSnapshot snapshot, int vmid) {
        return snapshot.vm(vmid).orElseThrow();
    }

    /** Facts, with everything the observer may add set by the customiser. */
    static final class Facts {
        ClusterSnapshot snapshot = cluster().build();
        Integer vmid;
        VmConfig config;
        List<String> pending;
        TaskLedger.TaskFact task;
        boolean stale;
        HaVm templateHaVm;
        BackupPolicy policy;
        CloudInitSecrets.Read secrets = CloudInitSecrets.Read.NONE;
        List<HaGroup> groups;
        VmMemory memory = VmMemory.NONE.configChecked(NOW);
        PveApiException unreachable;

        HaVmFacts of(HaVm vm) {
            Integer id =
                    vmid != null
                            ? vmid
                            : vm.getStatus() != null && vm.getStatus().getVmid() != null
                                    ? vm.getStatus().getVmid()
                                    : vm.getSpec().getVmid();
            ClusterView view =
                    new ClusterView(new ClusterKey("store", "main"), null, snapshot, unreachable);
            return new HaVmFacts(
                    view,
                    id,
                    id == null ? Optional.empty() : snapshot.vm(id),
                    id == null ? Optional.empty() : snapshot.haService(id),
                    Optional.ofNullable(config),
                    Optional.ofNullable(pending),
                    Optional.ofNullable(task),
                    stale,
                    new HaVmFacts.Sources(
                            Optional.ofNullable(templateHaVm), Optional.ofNullable(policy)),
                    secrets,
                    Optional.empty(),
                    Optional.ofNullable(groups),
                    memory);
        }
    }

    static HaVmPlan plan(HaVm vm, Consumer<Facts> facts) {
        Facts f = new Facts();
        facts.accept(f);
        return HaVmPlanner.plan(vm, f.of(vm), NOW);
    }

    static TaskLedger.TaskFact task(
            String action, String type, State state, String exit, boolean started) {
        PendingTask t =
                new PendingTask(
                        action,
                        "pve1",
                        type,
                        Integer.toString(VMID),
                        NOW.minusSeconds(5).toString());
        if (started) {
            t.setUpid(
                    Snapshots.upid("pve1", type, Integer.toString(VMID), NOW.getEpochSecond() - 5));
        }
        return new TaskLedger.TaskFact(state, t, true, exit, List.of());
    }

    static VmConfig config(Map<String, String> values) {
        return new VmConfig(new LinkedHashMap<>(values), "digest-1");
    }

    static Optional<HaVmPlan.ConditionChange> condition(HaVmPlan plan, String type) {
        return plan.conditions().stream().filter(c -> c.type().equals(type)).findFirst();
    }

    // ---------------------------------------------------------------- provisioning

    @Nested
    class Provisioning {
        @Test
        void aLinkedCloneOfATemplateIsPlannedOnTheTemplatesNodeWithAVmidToAllocate() {
            HaVmPlan plan = plan(vm(s -> {}), f -> {});

            assertThat(plan.action())
                    .get()
                    .isEqualTo(new HaVmAction.Clone(null, "pve1", TEMPLATE, null));
            assertThat(plan.reason()).isEqualTo(HaVmReason.Cloning);
            assertThat(condition(plan, "Provisioned"))
                    .get()
                    .extracting(HaVmPlan.ConditionChange::status)
                    .isEqualTo(false);
        }

        @Test
        void aDeclaredVmidIsRecordedBeforeAnythingIsMadeWithIt() {
            HaVmPlan plan = plan(vm(s -> s.setVmid(4242)), f -> {});

            assertThat(plan.edits().vmid()).isEqualTo(4242);
            assertThat(plan.action())
                    .get()
                    .isEqualTo(new HaVmAction.Clone(4242, "pve1", TEMPLATE, null));
        }

        @Test
        void aFullCloneGoesToThePlacementNode() {
            HaVmPlan plan =
                    plan(
                            vm(
                                    s -> {
                                        s.getSource().getTemplate().setFull(true);
                                        Placement p = new Placement();
                                        p.setNode("pve3");
                                        s.setPlacement(p);
                                    }),
                            f -> {});

            assertThat(plan.action())
                    .get()
                    .isEqualTo(new HaVmAction.Clone(null, "pve1", TEMPLATE, "pve3"));
        }

        @Test
        void aLinkedCloneWaitsForItsSourceToBeATemplate() {
            HaVm source = provisioned(s -> s.setTemplate(true));
            source.getMetadata().setName("golden");
            source.getStatus().setVmid(150);
            HaVm vm =
                    vm(
                            s -> {
                                s.getSource().getTemplate().setVmid(null);
                                s.getSource().getTemplate().setHaVmRef(new ObjectRef("golden"));
                            });

            HaVmPlan waiting = plan(vm, f -> f.templateHaVm = source);
            assertThat(waiting.action()).isEmpty();
            assertThat(waiting.reason()).isEqualTo(HaVmReason.WaitingForSource);
            assertThat(waiting.message()).contains("golden", "template");

            source.getStatus().setTemplate(true);
            HaVmPlan clone =
                    plan(
                            vm,
                            f -> {
                                f.templateHaVm = source;
                                f.snapshot =
                                        cluster()
                                                .vm(150, "pve2", "stopped", null, null, true)
                                                .build();
                            });
            assertThat(clone.action())
                    .get()
                    .isEqualTo(new HaVmAction.Clone(null, "pve2", 150, null));
        }

        @Test
        void aMissingStorageIsWaitedForInsteadOfSendingACreatePveRefuses() {
            HaVm vm =
                    vm(
                            s -> {
                                s.getSource().setTemplate(null);
                                s.getSource().setNone(new EmptySource());
                                Disk d = new Disk();
                                d.setSlot("scsi0");
                                d.setStorage("vm-pool");
                                d.setSizeGiB(32);
                                s.getDisks().add(d);
                            });

            HaVmPlan plan = plan(vm, f -> {});

            assertThat(plan.action()).isEmpty();
            assertThat(plan.reason()).isEqualTo(HaVmReason.WaitingForStorage);
        }

        @Test
        void anIsoVmIsCreatedOnTheNodeWithTheMostFreeMemory() {
            HaVm vm =
                    vm(
                            s -> {
                                s.getSource().setTemplate(null);
                                IsoSource iso = new IsoSource();
                                iso.setVolume("local:iso/debian-12.iso");
                                s.getSource().setIso(iso);
                            });

            HaVmPlan plan = plan(vm, f -> {});

            assertThat(plan.action()).containsInstanceOf(HaVmAction.Create.class);
            assertThat(plan.reason()).isEqualTo(HaVmReason.Creating);
        }

        @Test
        void aRestoreTakesThePolicysLatestGoodBackupOfThisHaVm() {
            HaVm vm =
                    vm(
                            s -> {
                                s.getSource().setTemplate(null);
                                BackupSource b = new BackupSource();
                                b.setPolicyRef(new ObjectRef("nightly"));
                                s.getSource().setBackup(b);
                            });
            BackupPolicy policy = new BackupPolicy();
            policy.setStatus(new BackupPolicyStatus());
            policy.getStatus()
                    .getVms()
                    .add(
                            backup(
                                    "pos-api-1",
                                    201,
                                    "nfs:backup/old.vma.zst",
                                    "2026-11-29T02:00:00Z"));
            policy.getStatus()
                    .getVms()
                    .add(
                            backup(
                                    "pos-api-1",
                                    201,
                                    "nfs:backup/new.vma.zst",
                                    "2026-11-30T02:00:00Z"));
            policy.getStatus()
                    .getVms()
                    .add(backup("other", 202, "nfs:backup/other.vma.zst", "2026-12-01T02:00:00Z"));

            HaVmPlan none = plan(vm, f -> {});
            assertThat(none.reason()).isEqualTo(HaVmReason.WaitingForSource);
            assertThat(none.action()).isEmpty();

            HaVmPlan plan = plan(vm, f -> f.policy = policy);
            assertThat(plan.action())
                    .get()
                    .isInstanceOfSatisfying(
                            HaVmAction.Restore.class,
                            r -> assertThat(r.archive()).isEqualTo("nfs:backup/new.vma.zst"));
            assertThat(plan.reason()).isEqualTo(HaVmReason.Restoring);
        }

        @Test
        void aVmThatWentMissingIsMadeAgainWithAWarning() {
            HaVmPlan plan = plan(provisioned(s -> {}), f -> {});

            assertThat(plan.action())
                    .get()
                    .isEqualTo(new HaVmAction.Clone(VMID, "pve1", TEMPLATE, null));
            assertThat(plan.notes()).extracting(Note::reason).contains(HaVmReason.VmMissing);
        }

        private static BackupPolicyStatus.VmBackup backup(
                String haVm, int vmid, String volume, String time) {
            BackupPolicyStatus.VmBackup b = new BackupPolicyStatus.VmBackup();
            b.setHaVm(haVm);
            b.setVmid(vmid);
            b.setVolume(volume);
            b.setTime(time);
            return b;
        }
    }

    // ---------------------------------------------------------------- tasks

    @Nested
    class Tasks {
        @ParameterizedTest
        @EnumSource(
                value = State.class,
                names = {"RUNNING", "UNKNOWN"})
        void nothingIsStartedWhileATaskRuns(State state) {
            HaVm vm = provisioned(s -> s.setMemoryMiB(4096));
            vm.getStatus().setPendingTask(task("Start", "qmstart", state, null, true).task());

            HaVmPlan plan =
                    plan(
                            vm,
                            f -> {
                                f.snapshot =
                                        cluster()
                                                .vm(
                                                        VMID,
                                                        "pve1",
                                                        "stopped",
                                                        ourTags(vm),
                                                        null,
                                                        false)
                                                .build();
                                f.task = task("Start", "qmstart", state, null, true);
                                f.config = config(Map.of("memory", "1024"));
                            });

            assertThat(plan.action()).isEmpty();
            assertThat(plan.reason()).isEqualTo(HaVmReason.WaitingForTask);
            assertThat(plan.ended()).isEmpty();
        }

        @Test
        void aFinishedCloneIsOursAndItsTagsAndHardwareAreSetInOneCallWithoutReadingIt() {
            HaVm vm = vm(s -> s.setMemoryMiB(4096));
            HaVmStatus status = new HaVmStatus();
            status.setVmid(VMID);
            vm.setStatus(status);
            TaskLedger.TaskFact done = task("Clone", "qmclone", State.SUCCEEDED, "OK", true);

            HaVmPlan plan =
                    plan(
                            vm,
                            f -> {
                                f.snapshot =
                                        cluster()
                                                .vm(
                                                        VMID,
                                                        "pve1",
                                                        "stopped",
                                                        "base;" + "pveha-000000000000",
                                                        null,
                                                        false)
                                                .build();
                                f.task = done;
                            });

            assertThat(plan.ended()).contains(done);
            assertThat(condition(plan, "Provisioned"))
                    .get()
                    .extracting(HaVmPlan.ConditionChange::status)
                    .isEqualTo(true);
            assertThat(plan.action())
                    .get()
                    .isInstanceOfSatisfying(
                            HaVmAction.SetConfig.class,
                            set -> {
                                assertThat(set.params()).containsEntry("memory", 4096);
                                assertThat((String) set.params().get("tags"))
                                        .contains("pveha", Ownership.ownerTag(vm), "base")
                                        .doesNotContain("pveha-000000000000");
                            });
            assertThat(condition(plan, "InSync"))
                    .get()
                    .extracting(HaVmPlan.ConditionChange::status)
                    .isEqualTo(true);
        }

        @Test
        void aFailedTaskIsReportedAndRetriedWithBackoff() {
            HaVm vm = vm(s -> {});
            HaVmStatus status = new HaVmStatus();
            status.setVmid(VMID);
            status.setFailedAttempts(2);
            vm.setStatus(status);

            HaVmPlan plan =
                    plan(
                            vm,
                            f ->
                                    f.task =
                                            task(
                                                    "Clone",
                                                    "qmclone",
                                                    State.FAILED,
                                                    "clone failed: no space",
                                                    true));

            assertThat(plan.reason()).isEqualTo(CommonReason.TaskFailed);
            assertThat(plan.action()).isEmpty();
            assertThat(plan.edits().failedAttempts()).isEqualTo(3);
            assertThat(plan.requeue()).contains(HaVmPlanner.backoff(3));
        }

        @Test
        void anInterruptedCreateThatMadeTheVmIsFollowedThroughTheFactsNotRepeated() {
            HaVm vm = vm(s -> {});
            HaVmStatus status = new HaVmStatus();
            status.setVmid(VMID);
            vm.setStatus(status);

            HaVmPlan plan =
                    plan(
                            vm,
                            f -> {
                                f.snapshot =
                                        cluster()
                                                .vm(VMID, "pve1", "stopped", null, "clone", false)
                                                .build();
                                f.task = task("Clone", "qmclone", State.UNKNOWN, null, false);
                            });

            assertThat(plan.action()).as("no second clone").isEmpty();
            assertThat(plan.ended()).isPresent();
            assertThat(plan.reason()).isEqualTo(HaVmReason.Locked);
        }

        @Test
        void anIntentThatNeverReachedPveIsPlannedAgain() {
            HaVm vm = vm(s -> {});
            HaVmStatus status = new HaVmStatus();
            status.setVmid(VMID);
            vm.setStatus(status);

            HaVmPlan plan =
                    plan(
                            vm,
                            f -> f.task = task("Clone", "qmclone", State.NOT_STARTED, null, false));

            assertThat(plan.ended()).isPresent();
            assertThat(plan.action())
                    .get()
                    .isEqualTo(new HaVmAction.Clone(VMID, "pve1", TEMPLATE, null));
        }

        @Test
        void nothingIsPlannedFromAPollOlderThanTheOperatorsOwnChange() {
            HaVm vm = provisioned(s -> s.setPowerState(PowerState.Running));
            HaVmPlan plan =
                    plan(
                            vm,
                            f -> {
                                f.snapshot =
                                        cluster()
                                                .vm(
                                                        VMID,
                                                        "pve1",
                                                        "stopped",
                                                        ourTags(vm),
                                                        null,
                                                        false)
                                                .build();
                                f.stale = true;
                            });

            assertThat(plan.action()).isEmpty();
            assertThat(plan.requeue()).contains(HaVmPlanner.SOON);
        }
    }

    // ---------------------------------------------------------------- ownership

    @Nested
    class Ownership_ {
        @Test
        void aVmWithoutOurMarksIsNeverTouched() {
            HaVm vm =
                    vm(
                            s -> {
                                s.setVmid(777);
                                s.setMemoryMiB(2048);
                            });
            HaVmPlan plan =
                    plan(
                            vm,
                            f -> {
                                f.snapshot =
                                        cluster()
                                                .vm(777, "pve2", "running", "legacy", null, false)
                                                .build();
                                f.config =
                                        config(
                                                Map.of(
                                                        "memory",
                                                        "1024",
                                                        "description",
                                                        "the old ERP"));
                            });

            assertThat(plan.action()).isEmpty();
            assertThat(plan.reason()).isEqualTo(HaVmReason.VmidTaken);
            assertThat(plan.notes()).extracting(Note::reason).containsExactly(HaVmReason.VmidTaken);
        }

        @Test
        void theAdoptAnnotationMakesItOursAndItsDeclaredFieldsAreCorrected() {
            HaVm vm =
                    vm(
                            s -> {
                                s.setVmid(777);
                                s.setMemoryMiB(2048);
                            });
            vm.getMetadata().setAnnotations(Map.of(Pveha.ANNOTATION_ADOPT, "true"));
            HaVmPlan plan =
                    plan(
                            vm,
                            f -> {
                                f.snapshot =
                                        cluster()
                                                .vm(777, "pve2", "running", "legacy", null, false)
                                                .build();
                                f.config =
                                        config(
                                                Map.of(
                                                        "memory",
                                                        "1024",
                                                        "name",
                                                        "legacy-erp",
                                                        "description",
                                                        "the old ERP"));
                            });

            assertThat(plan.notes()).extracting(Note::reason).contains(HaVmReason.Adopted);
            assertThat(plan.action())
                    .get()
                    .isInstanceOfSatisfying(
                            HaVmAction.SetConfig.class,
                            set ->
                                    assertThat(set.params())
                                            .containsEntry("memory", "2048")
                                            .containsEntry("digest", "digest-1"));
        }

        @Test
        void ourDescriptionMarkerProvesOwnershipWithoutTheTag() {
            HaVm vm = provisioned(s -> s.setPowerState(PowerState.Stopped));
            HaVmPlan plan =
                    plan(
                            vm,
                            f -> {
                                f.snapshot =
                                        cluster()
                                                .vm(VMID, "pve1", "stopped", null, null, false)
                                                .build();
                                f.config =
                                        config(
                                                Map.of(
                                                        "description",
                                                        Ownership.descriptionMarker(vm),
                                                        "name",
                                                        "pos-api-1"));
                            });

            assertThat(plan.reason()).isNotEqualTo(HaVmReason.VmidTaken);
            assertThat(plan.action()).get().isInstanceOf(HaVmAction.SetConfig.class);
        }

        @Test
        void aBackupIsRestoredOverAnUnownedVmOnlyWhenTheAnnotationAllowsIt() {
            HaVm vm =
                    vm(
                            s -> {
                                s.setVmid(777);
                                s.getSource().setTemplate(null);
                                BackupSource b = new BackupSource();
                                b.setVolume("nfs:backup/vzdump-qemu-777.vma.zst");
                                s.getSource().setBackup(b);
                            });
            Consumer<Facts> facts =
                    f ->
                            f.snapshot =
                                    cluster().vm(777, "pve2", "stopped", null, null, false).build();
            assertThat(plan(vm, facts).reason()).isEqualTo(HaVmReason.VmidTaken);

            vm.getMetadata().setAnnotations(Map.of(Pveha.ANNOTATION_RESTORE_OVER_EXISTING, "true"));
            HaVmPlan plan = plan(vm, facts);
            assertThat(plan.action())
                    .get()
                    .isEqualTo(
                            new HaVmAction.Restore(
                                    777, "pve2", "nfs:backup/vzdump-qemu-777.vma.zst", true));
        }
    }

    // ---------------------------------------------------------------- convergence

    @Nested
    class Convergence {
        @Test
        void onlyDeclaredFieldsThatDriftedAreChanged() {
            HaVm vm =
                    provisioned(
                            s -> {
                                s.setMemoryMiB(3072);
                                s.setPowerState(PowerState.Stopped);
                            });
            HaVmPlan plan =
                    plan(
                            vm,
                            f -> {
                                f.snapshot =
                                        cluster()
                                                .vm(
                                                        VMID,
                                                        "pve1",
                                                        "stopped",
                                                        ourTags(vm),
                                                        null,
                                                        false)
                                                .build();
                                f.config =
                                        config(
                                                Map.of(
                                                        "memory",
                                                        "1024",
                                                        "cores",
                                                        "6",
                                                        "name",
                                                        "pos-api-1",
                                                        "tags",
                                                        ourTags(vm),
                                                        "description",
                                                        Ownership.descriptionMarker(vm)));
                            });

            assertThat(plan.action())
                    .get()
                    .isInstanceOfSatisfying(
                            HaVmAction.SetConfig.class,
                            set ->
                                    assertThat(set.params())
                                            .containsEntry("memory", "3072")
                                            .doesNotContainKey("cores"));
            assertThat(condition(plan, "InSync"))
                    .get()
                    .extracting(HaVmPlan.ConditionChange::reason)
                    .isEqualTo(HaVmReason.Configuring);
        }

        @Test
        void aNewDiskIsAddedThroughPvesAsynchronousCall() {
            HaVm vm =
                    provisioned(
                            s -> {
                                s.setPowerState(PowerState.Stopped);
                                Disk d = new Disk();
                                d.setSlot("scsi1");
                                d.setStorage("ceph-vm");
                                d.setSizeGiB(16);
                                s.getDisks().add(d);
                            });
            HaVmPlan plan =
                    plan(
                            vm,
                            f -> {
                                f.snapshot =
                                        cluster()
                                                .vm(
                                                        VMID,
                                                        "pve1",
                                                        "stopped",
                                                        ourTags(vm),
                                                        null,
                                                        false)
                                                .build();
                                f.config =
                                        config(
                                                Map.of(
                                                        "name",
                                                        "pos-api-1",
                                                        "tags",
                                                        ourTags(vm),
                                                        "description",
                                                        Ownership.descriptionMarker(vm)));
                            });

            assertThat(plan.action())
                    .get()
                    .isInstanceOfSatisfying(
                            HaVmAction.ConfigureAsync.class,
                            c -> assertThat(c.params()).containsEntry("scsi1", "ceph-vm:16"));
        }

        @Test
        void changesPendingARestartWaitUnderManualAndRestartUnderAutomatic() {
            HaVm vm = provisioned(s -> s.setMemoryMiB(2048));
            Consumer<Facts> facts =
                    f -> {
                        f.snapshot =
                                cluster()
                                        .vm(VMID, "pve1", "running", ourTags(vm), null, false)
                                        .build();
                        f.config =
                                config(
                                        Map.of(
                                                "memory",
                                                "2048",
                                                "name",
                                                "pos-api-1",
                                                "tags",
                                                ourTags(vm),
                                                "description",
                                                Ownership.descriptionMarker(vm)));
                        f.pending = List.of("memory");
                    };

            HaVmPlan manual = plan(vm, facts);
            assertThat(manual.action()).isEmpty();
            assertThat(manual.reason()).isEqualTo(HaVmReason.RestartPending);
            assertThat(manual.edits().pendingChanges()).containsExactly("memory");

            vm.getSpec().setRestartPolicy(RestartPolicy.Automatic);
            HaVmPlan automatic = plan(vm, facts);
            assertThat(automatic.action()).get().isEqualTo(HaVmAction.Power.restart("pve1"));
        }

        @Test
        void aStoppedVmIsStartedAndARunningOneShutDownAsDeclared() {
            HaVm run = provisioned(s -> {});
            assertThat(
                            plan(
                                            run,
                                            f ->
                                                    f.snapshot =
                                                            cluster()
                                                                    .vm(
                                                                            VMID,
                                                                            "pve1",
                                                                            "stopped",
                                                                            ourTags(run),
                                                                            null,
                                                                            false)
                                                                    .build())
                                    .action())
                    .get()
                    .isEqualTo(HaVmAction.Power.start("pve1"));

            HaVm stop = provisioned(s -> s.setPowerState(PowerState.Stopped));
            assertThat(
                            plan(
                                            stop,
                                            f ->
                                                    f.snapshot =
                                                            cluster()
                                                                    .vm(
                                                                            VMID,
                                                                            "pve1",
                                                                            "running",
                                                                            ourTags(stop),
                                                                            null,
                                                                            false)
                                                                    .build())
                                    .action())
                    .get()
                    .isEqualTo(HaVmAction.Power.shutdown("pve1"));
        }

        @Test
        void aLockedVmIsWaitedFor() {
            HaVm vm = provisioned(s -> {});
            HaVmPlan plan =
                    plan(
                            vm,
                            f ->
                                    f.snapshot =
                                            cluster()
                                                    .vm(
                                                            VMID,
                                                            "pve1",
                                                            "stopped",
                                                            ourTags(vm),
                                                            "backup",
                                                            false)
                                                    .build());

            assertThat(plan.action()).isEmpty();
            assertThat(plan.reason()).isEqualTo(HaVmReason.Locked);
        }

        @Test
        void aRunningVmAsDeclaredIsReady() {
            HaVm vm = provisioned(s -> {});
            HaVmPlan plan =
                    plan(
                            vm,
                            f ->
                                    f.snapshot =
                                            cluster()
                                                    .vm(
                                                            VMID,
                                                            "pve1",
                                                            "running",
                                                            ourTags(vm),
                                                            null,
                                                            false)
                                                    .build());

            assertThat(plan.action()).isEmpty();
            assertThat(plan.ready()).isTrue();
            assertThat(plan.requeue()).contains(HaVmPlanner.STEADY);
        }
    }

    // ---------------------------------------------------------------- templates

    @Nested
    class Templates {
        HaVm isoTemplate(Boolean installerBooted) {
            HaVm vm =
                    provisioned(
                            s -> {
                                s.setTemplate(true);
                                s.getSource().setTemplate(null);
                                IsoSource iso = new IsoSource();
                                iso.setVolume("local:iso/debian-12.iso");
                                s.getSource().setIso(iso);
                            });
            vm.getStatus().setInstallerBooted(installerBooted);
            return vm;
        }

        @Test
        void anIsoTemplateBootsItsInstallerAndWaitsForThePersonInstallingIt() {
            HaVm fresh = isoTemplate(null);
            assertThat(
                            plan(
                                            fresh,
                                            f ->
                                                    f.snapshot =
                                                            cluster()
                                                                    .vm(
                                                                            VMID,
                                                                            "pve1",
                                                                            "stopped",
                                                                            ourTags(fresh),
                                                                            null,
                                                                            false)
                                                                    .build())
                                    .action())
                    .get()
                    .isEqualTo(HaVmAction.Power.start("pve1"));

            HaVmPlan installing =
                    plan(
                            fresh,
                            f ->
                                    f.snapshot =
                                            cluster()
                                                    .vm(
                                                            VMID,
                                                            "pve1",
                                                            "running",
                                                            ourTags(fresh),
                                                            null,
                                                            false)
                                                    .build());
            assertThat(installing.action()).isEmpty();
            assertThat(installing.reason()).isEqualTo(HaVmReason.WaitingForInstall);
            assertThat(installing.edits().installerBooted()).isTrue();
        }

        @Test
        void afterTheInstallTheIsoIsEjectedThenTheVmConverted() {
            HaVm vm = isoTemplate(true);
            ClusterSnapshot stopped =
                    cluster().vm(VMID, "pve1", "stopped", ourTags(vm), null, false).build();
            Map<String, String> base =
                    Map.of(
                            "name",
                            "pos-api-1",
                            "tags",
                            ourTags(vm),
                            "description",
                            Ownership.descriptionMarker(vm));

            Map<String, String> withIso = new LinkedHashMap<>(base);
            withIso.put("ide2", "local:iso/debian-12.iso,media=cdrom");
            HaVmPlan eject =
                    plan(
                            vm,
                            f -> {
                                f.snapshot = stopped;
                                f.config = config(withIso);
                            });
            assertThat(eject.action())
                    .get()
                    .isInstanceOfSatisfying(
                            HaVmAction.Eject.class,
                            e -> assertThat(e.params()).containsEntry("ide2", "none,media=cdrom"));

            HaVmPlan convert =
                    plan(
                            vm,
                            f -> {
                                f.snapshot = stopped;
                                f.config = config(base);
                            });
            assertThat(convert.action()).get().isEqualTo(new HaVmAction.ConvertToTemplate("pve1"));
        }

        @Test
        void aRunningVmBecomesATemplateAfterAShutdown() {
            HaVm vm = provisioned(s -> s.setTemplate(true));
            assertThat(
                            plan(
                                            vm,
                                            f ->
                                                    f.snapshot =
                                                            cluster()
                                                                    .vm(
                                                                            VMID,
                                                                            "pve1",
                                                                            "running",
                                                                            ourTags(vm),
                                                                            null,
                                                                            false)
                                                                    .build())
                                    .action())
                    .get()
                    .isEqualTo(HaVmAction.Power.shutdown("pve1"));
        }
    }

    // ---------------------------------------------------------------- HA and placement

    @Nested
    class HighAvailability {
        HaVm ha(Consumer<Ha> customise) {
            return provisioned(
                    s -> {
                        Ha ha = new Ha();
                        ha.setEnabled(true);
                        customise.accept(ha);
                        s.setHa(ha);
                    });
        }

        @Test
        void anHaVmIsRegisteredWithItsDeclaredSettingsAndOurComment() {
            HaVm vm = ha(h -> h.setGroup("frontline"));
            HaVmPlan plan =
                    plan(
                            vm,
                            f ->
                                    f.snapshot =
                                            cluster()
                                                    .vm(
                                                            VMID,
                                                            "pve1",
                                                            "stopped",
                                                            ourTags(vm),
                                                            null,
                                                            false)
                                                    .build());

            assertThat(plan.action())
                    .get()
                    .isInstanceOfSatisfying(
                            HaVmAction.RegisterHa.class,
                            r ->
                                    assertThat(r.params())
                                            .containsEntry("sid", "vm:" + VMID)
                                            .containsEntry("state", "started")
                                            .containsEntry("group", "frontline")
                                            .containsEntry("comment", Ownership.haComment(vm)));
            assertThat(plan.reason()).isEqualTo(HaVmReason.HaRegistering);
        }

        @Test
        void aChangedGroupUpdatesTheHaResourceAndTheHaManagerStartsIt() {
            HaVm vm = ha(h -> h.setGroup("backoffice"));
            HaVmPlan plan =
                    plan(
                            vm,
                            f ->
                                    f.snapshot =
                                            cluster()
                                                    .vm(
                                                            VMID,
                                                            "pve1",
                                                            "stopped",
                                                            ourTags(vm),
                                                            null,
                                                            false)
                                                    .haEntry(
                                                            new HaStatusEntry(
                                                                    "service:vm:201",
                                                                    "service",
                                                                    "pve1",
                                                                    "started",
                                                                    "vm:201",
                                                                    "started",
                                                                    "started",
                                                                    "started",
                                                                    null,
                                                                    null,
                                                                    1,
                                                                    1,
                                                                    "frontline",
                                                                    null))
                                                    .build());

            assertThat(plan.action())
                    .get()
                    .isInstanceOfSatisfying(
                            HaVmAction.UpdateHa.class,
                            u -> assertThat(u.params()).containsEntry("group", "backoffice"));
        }

        @Test
        void preferredNodesMakeAGroupBeforeTheResourceUsesIt() {
            HaVm vm = ha(h -> h.setPreferredNodes(new ArrayList<>(List.of("pve2", "pve3"))));
            HaVmPlan plan =
                    plan(
                            vm,
                            f -> {
                                f.snapshot =
                                        cluster()
                                                .vm(
                                                        VMID,
                                                        "pve1",
                                                        "stopped",
                                                        ourTags(vm),
                                                        null,
                                                        false)
                                                .build();
                                f.groups = List.of();
                            });

            assertThat(plan.action())
                    .get()
                    .isEqualTo(
                            new HaVmAction.EnsureHaGroup("pveha-vm-201", "pve2:2,pve3:1", false));
        }

        @Test
        void switchingHaOffRemovesOnlyOurHaResourceAndThePowerIsTheOperatorsAgain() {
            HaVm vm = provisioned(s -> {});
            HaVmPlan plan =
                    plan(
                            vm,
                            f ->
                                    f.snapshot =
                                            cluster()
                                                    .vm(
                                                            VMID,
                                                            "pve1",
                                                            "running",
                                                            ourTags(vm),
                                                            null,
                                                            false)
                                                    .haService(VMID, "pve1", "started", "started")
                                                    .build());

            assertThat(plan.action()).get().isEqualTo(new HaVmAction.RemoveHa(true));
        }

        @Test
        void aVmTheHaManagerMovedIsNotMovedBackAndIsShownRecovering() {
            HaVm vm = ha(h -> {});
            Placement p = new Placement();
            p.setNode("pve1");
            vm.getSpec().setPlacement(p);
            vm.getStatus().setAppliedPlacement("pve1");
            HaVmPlan plan =
                    plan(
                            vm,
                            f ->
                                    f.snapshot =
                                            Snapshots.at(NOW)
                                                    .node("pve1", false)
                                                    .node("pve2")
                                                    .node("pve3")
                                                    .vm(
                                                            VMID,
                                                            "pve2",
                                                            "stopped",
                                                            ourTags(vm),
                                                            null,
                                                            false)
                                                    .haService(VMID, "pve2", "recovery", "started")
                                                    .build());

            assertThat(plan.action()).isEmpty();
            assertThat(plan.reason()).isEqualTo(HaVmReason.HaRecovering);
        }

        @Test
        void aNewPlacementMigratesLiveOrThroughTheHaManager() {
            HaVm plain =
                    provisioned(
                            s -> {
                                Placement p = new Placement();
                                p.setNode("pve3");
                                s.setPlacement(p);
                            });
            assertThat(
                            plan(
                                            plain,
                                            f ->
                                                    f.snapshot =
                                                            cluster()
                                                                    .vm(
                                                                            VMID,
                                                                            "pve1",
                                                                            "running",
                                                                            ourTags(plain),
                                                                            null,
                                                                            false)
                                                                    .build())
                                    .action())
                    .get()
                    .isEqualTo(new HaVmAction.Migrate("pve1", "pve3", true));

            HaVm ha = ha(h -> {});
            Placement p = new Placement();
            p.setNode("pve3");
            ha.getSpec().setPlacement(p);
            Consumer<Facts> facts =
                    f ->
                            f.snapshot =
                                    cluster()
                                            .vm(VMID, "pve1", "running", ourTags(ha), null, false)
                                            .haService(VMID, "pve1", "started", "started")
                                            .build();
            assertThat(plan(ha, facts).action())
                    .get()
                    .isEqualTo(new HaVmAction.RequestHaMigrate("pve3"));

            HaVmPlan asked =
                    plan(
                            ha,
                            facts.andThen(
                                    f ->
                                            f.memory =
                                                    f.memory.haMigrateRequested(
                                                            NOW.minusSeconds(30))));
            assertThat(asked.action()).as("not asked again within the patience window").isEmpty();
            assertThat(asked.reason()).isEqualTo(HaVmReason.Migrating);
        }
    }

    // ---------------------------------------------------------------- what the observer reads

    @Nested
    class Reads {
        @Test
        void aVmInSyncIsNotReadUntilTheDriftCheckOrAHint() {
            HaVm vm = provisioned(s -> s.setMemoryMiB(2048));
            ClusterResource ok = inSyncAndOurs(vm);
            VmMemory checked = VmMemory.NONE.configChecked(NOW.minusSeconds(60));

            assertThat(HaVmPlanner.configDue(vm, ok, checked, NOW, NOW, null)).isFalse();
            assertThat(
                            HaVmPlanner.configDue(
                                    vm, ok, checked, NOW.plus(HaVmPlanner.DRIFT_CHECK), NOW, null))
                    .isTrue();
            ClusterResource shrunk = ourRunningVm(vm, 1024);
            assertThat(HaVmPlanner.configDue(vm, shrunk, checked, NOW, NOW, null))
                    .as("memory differs in the poll")
                    .isTrue();
        }

        /** The poll's view of a running VM in sync with a 2-CPU, 2 GiB spec, tagged ours. */
        ClusterResource inSyncAndOurs(HaVm vm) {
            return ourRunningVm(vm, 2048);
        }

        /** The poll's view of a running 2-CPU VM with {@code memoryMiB}, tagged ours. */
        ClusterResource ourRunningVm(HaVm vm, long memoryMiB) {
            return new ClusterResource(
                    "qemu/201",
                    "qemu",
                    VMID,
                    "pve1",
                    "pos-api-1",
                    "running",
                    false,
                    2,
                    0.0,
                    memoryMiB << 20,
                    0L,
                    0L,
                    0L,
                    10L,
                    null,
                    ourTags(vm),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
        }

        @Test
        void afterARestartTheFirstDriftChecksAreSpreadNotAllAtOnce() {
            int dueInTheFirstMinute = 0;
            for (int i = 0; i < 1000; i++) {
                HaVm vm = provisioned(s -> s.setMemoryMiB(2048));
                vm.getMetadata()
                        .setUid(UUID.nameUUIDFromBytes(("vm-" + i).getBytes(UTF_8)).toString());
                ClusterResource obs = inSyncAndOurs(vm);
                Instant assumed = HaVmPlanner.assumedConfigCheck(vm, obs, VmMemory.NONE, NOW);
                assertThat(assumed)
                        .isNotNull()
                        .isBefore(NOW.plusSeconds(1))
                        .isAfter(NOW.minus(HaVmPlanner.DRIFT_CHECK));
                VmMemory memory = VmMemory.NONE.configChecked(assumed);
                if (HaVmPlanner.configDue(vm, obs, memory, NOW.plusSeconds(60), NOW, null)) {
                    dueInTheFirstMinute++;
                }
            }
            // 1,000 VMs spread over 30 minutes: about 33 in a minute, not 1,000.
            assertThat(dueInTheFirstMinute).isBetween(10, 80);

            HaVm vm = provisioned(s -> s.setMemoryMiB(2048));
            HaVm neverInSync = vm(s -> s.setMemoryMiB(2048));
            assertThat(
                            HaVmPlanner.assumedConfigCheck(
                                    neverInSync, inSyncAndOurs(neverInSync), VmMemory.NONE, NOW))
                    .as("never found in sync: read at once")
                    .isNull();
            assertThat(
                            HaVmPlanner.assumedConfigCheck(
                                    vm, inSyncAndOurs(vm), VmMemory.NONE.configChecked(NOW), NOW))
                    .as("remembered")
                    .isNull();
            HaVm stranger = provisioned(s -> s.setMemoryMiB(2048));
            stranger.getMetadata().setUid("another-uid");
            assertThat(
                            HaVmPlanner.assumedConfigCheck(
                                    stranger, inSyncAndOurs(vm), VmMemory.NONE, NOW))
                    .as("not tagged ours: read to prove ownership")
                    .isNull();
        }

        @Test
        void aFreshCloneIsNotReadBackUnlessItsDisksOrCloudInitAreDeclared() {
            HaVm plain = vm(s -> s.setMemoryMiB(2048));
            ClusterResource clone =
                    cluster().vm(VMID, "pve1", "stopped").build().vm(VMID).orElseThrow();
            assertThat(HaVmPlanner.configDue(plain, clone, VmMemory.NONE, NOW, NOW, "Clone"))
                    .isFalse();
            assertThat(HaVmPlanner.configDue(plain, clone, VmMemory.NONE, NOW, NOW, null))
                    .as("untagged and not just made")
                    .isTrue();
            HaVm withDisk =
                    vm(
                            s -> {
                                Disk d = new Disk();
                                d.setSlot("scsi0");
                                d.setStorage("ceph-vm");
                                d.setSizeGiB(64);
                                s.getDisks().add(d);
                            });
            assertThat(HaVmPlanner.configDue(withDisk, clone, VmMemory.NONE, NOW, NOW, "Clone"))
                    .isTrue();
        }

        @Test
        void theOperatorsOwnConfigWriteIsTrustedUntilAPollShowsIt() {
            HaVm vm = provisioned(s -> {});
            ClusterResource untagged =
                    new ClusterResource(
                            "qemu/201",
                            "qemu",
                            VMID,
                            "pve1",
                            "pos-api-1",
                            "stopped",
                            false,
                            2,
                            0.0,
                            2048L << 20,
                            0L,
                            0L,
                            0L,
                            0L,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null);
            VmMemory wrote = VmMemory.NONE.configWritten(NOW.plusSeconds(1));

            assertThat(HaVmPlanner.configDue(vm, untagged, wrote, NOW.plusSeconds(1), NOW, null))
                    .isFalse();
            assertThat(
                            HaVmPlanner.configDue(
                                    vm,
                                    untagged,
                                    wrote,
                                    NOW.plusSeconds(3),
                                    NOW.plusSeconds(2),
                                    null))
                    .as("a newer poll without our tag: someone removed it, look")
                    .isTrue();
            HaVmPlan plan =
                    plan(
                            vm,
                            f -> {
                                f.snapshot =
                                        cluster()
                                                .vm(VMID, "pve1", "stopped", null, null, false)
                                                .build();
                                f.memory = wrote;
                            });
            assertThat(plan.reason())
                    .as("ours: we wrote its tag after this poll began")
                    .isNotEqualTo(HaVmReason.VmidTaken);
        }

        @Test
        void guestAddressesAreAskedOnlyOfARunningVmWithTheAgentAndBackOff() {
            HaVm vm = provisioned(s -> {});
            ClusterResource running =
                    cluster().vm(VMID, "pve1", "running").build().vm(VMID).orElseThrow();
            assertThat(HaVmPlanner.addressesDue(vm, running, VmMemory.NONE, NOW))
                    .as("agent unknown")
                    .isFalse();
            VmMemory agent = VmMemory.NONE.agent(true);
            assertThat(HaVmPlanner.addressesDue(vm, running, agent, NOW)).isTrue();
            VmMemory failedTwice =
                    agent.addressesAsked(NOW, HaVmPlanner.bootOf(running, NOW), true)
                            .addressesAsked(NOW, HaVmPlanner.bootOf(running, NOW), true);
            assertThat(HaVmPlanner.addressesDue(vm, running, failedTwice, NOW.plusSeconds(30)))
                    .isFalse();
            assertThat(HaVmPlanner.addressesDue(vm, running, failedTwice, NOW.plusSeconds(61)))
                    .isTrue();
        }
    }

    // ---------------------------------------------------------------- cluster

    @Nested
    class Cluster {
        @Test
        void nothingIsPlannedWhileTheClusterIsUnreachable() {
            HaVmPlan plan =
                    plan(
                            vm(s -> {}),
                            f ->
                                    f.unreachable =
                                            new PveApiException(
                                                    PveErrorKind.CONNECTION,
                                                    0,
                                                    "GET",
                                                    "/cluster/resources",
                                                    "connection refused",
                                                    null,
                                                    null));

            assertThat(plan.action()).isEmpty();
            assertThat(plan.reason()).isEqualTo(CommonReason.ClusterUnreachable);
        }
    }

    // ---------------------------------------------------------------- deletion

    @Nested
    class Deletion {
        HaVm doomed() {
            HaVm vm = provisioned(s -> s.setDeletionPolicy(DeletionPolicy.Delete));
            vm.getMetadata().setDeletionTimestamp(NOW.toString());
            return vm;
        }

        HaVmPlan delete(HaVm vm, Consumer<Facts> facts) {
            Facts f = new Facts();
            facts.accept(f);
            return HaVmDeletionPlanner.plan(vm, f.of(vm));
        }

        @Test
        void retainLeavesTheVmAndFinishesAtOnce() {
            HaVm vm = provisioned(s -> {});
            HaVmPlan plan =
                    delete(
                            vm,
                            f ->
                                    f.snapshot =
                                            cluster()
                                                    .vm(
                                                            VMID,
                                                            "pve1",
                                                            "running",
                                                            ourTags(vm),
                                                            null,
                                                            false)
                                                    .build());

            assertThat(plan.finished()).isTrue();
            assertThat(plan.action()).isEmpty();
            assertThat(plan.notes()).extracting(Note::reason).containsExactly(HaVmReason.Retained);
        }

        @Test
        void deleteGoesInOrderHaThenStopThenDestroy() {
            HaVm vm = doomed();
            Map<String, String> cfg = Map.of("description", Ownership.descriptionMarker(vm));
            HaVmPlan ha =
                    delete(
                            vm,
                            f -> {
                                f.snapshot =
                                        cluster()
                                                .vm(
                                                        VMID,
                                                        "pve1",
                                                        "running",
                                                        ourTags(vm),
                                                        null,
                                                        false)
                                                .haService(VMID, "pve1", "started", "started")
                                                .build();
                                f.config = config(cfg);
                            });
            assertThat(ha.action()).get().isEqualTo(new HaVmAction.RemoveHa(false));

            HaVmPlan stop =
                    delete(
                            vm,
                            f -> {
                                f.snapshot =
                                        cluster()
                                                .vm(
                                                        VMID,
                                                        "pve1",
                                                        "running",
                                                        ourTags(vm),
                                                        null,
                                                        false)
                                                .build();
                                f.config = config(cfg);
                            });
            assertThat(stop.action()).get().isEqualTo(HaVmAction.Power.stop("pve1"));

            HaVmPlan destroy =
                    delete(
                            vm,
                            f -> {
                                f.snapshot =
                                        cluster()
                                                .vm(
                                                        VMID,
                                                        "pve1",
                                                        "stopped",
                                                        ourTags(vm),
                                                        null,
                                                        false)
                                                .build();
                                f.config = config(cfg);
                            });
            assertThat(destroy.action()).get().isEqualTo(new HaVmAction.Destroy("pve1"));
        }

        @Test
        void aVmWithoutOurMarksIsNeverDestroyed() {
            HaVm vm = doomed();
            HaVmPlan plan =
                    delete(
                            vm,
                            f -> {
                                f.snapshot =
                                        cluster()
                                                .vm(
                                                        VMID,
                                                        "pve1",
                                                        "stopped",
                                                        "someone-else",
                                                        null,
                                                        false)
                                                .build();
                                f.config = config(Map.of("description", "not ours"));
                            });

            assertThat(plan.action()).isEmpty();
            assertThat(plan.finished()).isTrue();
            assertThat(plan.notes()).extracting(Note::reason).containsExactly(HaVmReason.NotOwned);
        }

        @Test
        void pveProtectionBlocksTheDeletion() {
            HaVm vm = doomed();
            HaVmPlan plan =
                    delete(
                            vm,
                            f -> {
                                f.snapshot =
                                        cluster()
                                                .vm(
                                                        VMID,
                                                        "pve1",
                                                        "stopped",
                                                        ourTags(vm),
                                                        null,
                                                        false)
                                                .build();
                                f.config =
                                        config(
                                                Map.of(
                                                        "protection",
                                                        "1",
                                                        "description",
                                                        Ownership.descriptionMarker(vm)));
                            });

            assertThat(plan.action()).isEmpty();
            assertThat(plan.finished()).isFalse();
            assertThat(plan.reason()).isEqualTo(HaVmReason.DeletionBlocked);
        }

        @Test
        void nothingIsDoneWhileATaskRunsAndTheDestroyEndsIt() {
            HaVm vm = doomed();
            HaVmPlan waiting =
                    delete(
                            vm,
                            f -> {
                                f.snapshot =
                                        cluster()
                                                .vm(
                                                        VMID,
                                                        "pve1",
                                                        "stopped",
                                                        ourTags(vm),
                                                        null,
                                                        false)
                                                .build();
                                f.task = task("Destroy", "qmdestroy", State.RUNNING, null, true);
                            });
            assertThat(waiting.action()).isEmpty();
            assertThat(waiting.finished()).isFalse();

            HaVmPlan done =
                    delete(
                            vm,
                            f ->
                                    f.task =
                                            task(
                                                    "Destroy",
                                                    "qmdestroy",
                                                    State.SUCCEEDED,
                                                    "OK",
                                                    true));
            assertThat(done.finished()).isTrue();
            assertThat(done.notes()).extracting(Note::reason).containsExactly(HaVmReason.Destroyed);
        }
    }
}
