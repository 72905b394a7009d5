package io.pveha.reconciler.backup;

import static io.pveha.reconciler.backup.BackupPolicyPlannerTest.NOW;
import static io.pveha.reconciler.backup.BackupPolicyPlannerTest.drilling;
import static io.pveha.reconciler.backup.BackupPolicyPlannerTest.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.api.PendingTask;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.backup.BackupPolicyStatus.DrillVm;
import io.pveha.api.backup.BackupPolicyStatus.Run;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Copies;
import io.pveha.reconciler.Note;
import io.pveha.testing.Snapshots;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Events come from what a pass did and from what changed in status: a fact that stays is reported
 * once.
 */
class BackupPolicyEventsTest {

    static Run run(String result, String message) {
        Run run = new Run();
        run.setTrigger("scheduled");
        run.setStartedAt("2026-12-01T02:00:00Z");
        run.setUpids(List.of(Snapshots.upid("pve1", "vzdump", "100", 1_796_176_800L)));
        run.setResult(result);
        run.setMessage(message);
        return run;
    }

    static BackupPolicyStatus withLastRun(Run run) {
        BackupPolicyStatus status = new BackupPolicyStatus();
        status.setLastRun(run);
        return status;
    }

    static List<String> reasons(List<Note> notes) {
        return notes.stream().map(n -> n.type() + " " + n.reason().name()).toList();
    }

    @Test
    void aFinishedRunIsReportedOnceWhenItAppearsAsTheLastRun() {
        BackupPolicyStatus after = withLastRun(run("ok", "2 VM(s) backed up"));
        assertThat(
                        reasons(
                                BackupPolicyEvents.between(
                                        policy(),
                                        new BackupPolicyStatus(),
                                        after,
                                        Optional.empty())))
                .containsExactly("Normal BackupSucceeded");
        assertThat(
                        BackupPolicyEvents.between(
                                policy(),
                                after,
                                Copies.deepCopy(after, BackupPolicyStatus.class),
                                Optional.empty()))
                .as("the same run in the next pass")
                .isEmpty();

        List<Note> failed =
                BackupPolicyEvents.between(
                        policy(),
                        after,
                        withLastRun(run("partial", "1 VM(s) backed up, 1 failed: VM 101: x")),
                        Optional.empty());
        assertThat(reasons(failed)).containsExactly("Warning BackupFailed");
        assertThat(failed.get(0).message())
                .isEqualTo("scheduled backup partial: 1 VM(s) backed up, 1 failed: VM 101: x");
    }

    @Test
    void synchronousActionsAreReportedWhenTheyWentThrough() {
        BackupPolicyStatus status = new BackupPolicyStatus();
        assertThat(
                        reasons(
                                BackupPolicyEvents.between(
                                        policy(),
                                        status,
                                        status,
                                        Optional.of(
                                                new BackupPolicyPlanner.CreateStorage(
                                                        "nfs-backup", Map.of())))))
                .containsExactly("Normal StorageCreated");
        List<Note> created =
                BackupPolicyEvents.between(
                        policy(),
                        status,
                        status,
                        Optional.of(
                                new BackupPolicyPlanner.CreateJob(
                                        "pveha-1",
                                        new java.util.TreeMap<>(
                                                Map.of(
                                                        "schedule",
                                                        "*-*-* 02:00",
                                                        "comment",
                                                        "managed by ...",
                                                        "vmid",
                                                        "100")))));
        assertThat(created.get(0).message())
                .isEqualTo("created PVE backup job pveha-1 (schedule=*-*-* 02:00 vmid=100)");
        assertThat(
                        reasons(
                                BackupPolicyEvents.between(
                                        policy(),
                                        status,
                                        status,
                                        Optional.of(
                                                new BackupPolicyPlanner.UpdateJob(
                                                        "pveha-1",
                                                        Map.of("enabled", 0),
                                                        "enabled=0")))))
                .containsExactly("Normal JobUpdated");
    }

    @Test
    void aRunIsReportedStartedOnTheNodesWhoseTaskWasRecorded() {
        BackupPolicyStatus after = new BackupPolicyStatus();
        Run run = new Run();
        run.getTasks().add(new PendingTask("Backup", "pve1", "vzdump", "100", NOW.toString()));
        run.getTasks().add(new PendingTask("Backup", "pve2", "vzdump", "101", NOW.toString()));
        after.setPendingRun(run);
        List<Note> notes =
                BackupPolicyEvents.between(
                        policy(),
                        null,
                        after,
                        Optional.of(new BackupPolicyPlanner.StartRun(List.of())));
        assertThat(notes)
                .extracting(Note::message)
                .containsExactly("on-demand backup started on pve1, pve2");
    }

    @Test
    void aDrillIsReportedWhenItStartsAndPerVmWhenItsVmIsDone() {
        BackupPolicyStatus running =
                drilling(BackupPolicyPlanner.RESTORING, vm -> vm.setHaVm("web"));
        List<Note> started =
                BackupPolicyEvents.between(
                        policy(), new BackupPolicyStatus(), running, Optional.empty());
        assertThat(reasons(started)).containsExactly("Normal DrillStarted");
        assertThat(started.get(0).message())
                .isEqualTo(
                        "on-demand restore drill of 1 VM(s): "
                                + BackupPolicyPlannerTest.VOLUME_100);

        BackupPolicyStatus done = Copies.deepCopy(running, BackupPolicyStatus.class);
        DrillVm vm = done.getDrill().getVms().get(0);
        vm.setPhase(BackupPolicyPlanner.DONE);
        vm.setResult(BackupPolicyPlanner.FAILED);
        vm.setReason("restoring x failed: exit code 133");
        List<Note> failed = BackupPolicyEvents.between(policy(), running, done, Optional.empty());
        assertThat(reasons(failed)).containsExactly("Warning DrillFailed");
        assertThat(failed.get(0).message())
                .isEqualTo("VM 100 (HaVm web): restoring x failed: exit code 133");
        assertThat(BackupPolicyEvents.between(policy(), done, done, Optional.empty()))
                .as("reported once")
                .isEmpty();
    }

    @Test
    void anApiErrorOrAnUnavailableStorageIsReportedWhenItAppearsOrChanges() {
        BackupPolicyStatus before = new BackupPolicyStatus();
        BackupPolicyStatus after = new BackupPolicyStatus();
        after.setConditions(
                Conditions.set(
                        List.of(),
                        Conditions.READY,
                        Conditions.FALSE,
                        CommonReason.ApiError.name(),
                        "POST /storage: 500 storage 'x' already defined",
                        2L,
                        Instant.EPOCH));
        after.setConditions(
                Conditions.set(
                        after.getConditions(),
                        BackupPolicyStatusBuilder.STORAGE_READY,
                        Conditions.FALSE,
                        BackupPolicyReason.StorageUnavailable.name(),
                        "cannot list backups on storage nfs-backup: offline",
                        2L,
                        Instant.EPOCH));
        assertThat(reasons(BackupPolicyEvents.between(policy(), before, after, Optional.empty())))
                .containsExactly("Warning StorageUnavailable", "Warning ApiError");
        assertThat(BackupPolicyEvents.between(policy(), after, after, Optional.empty())).isEmpty();
    }
}
