package io.pveha.reconciler.backup;

import static io.pveha.reconciler.backup.BackupPolicyPlannerTest.NOW;
import static io.pveha.reconciler.backup.BackupPolicyPlannerTest.cluster;
import static io.pveha.reconciler.backup.BackupPolicyPlannerTest.drilling;
import static io.pveha.reconciler.backup.BackupPolicyPlannerTest.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.api.PendingTask;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.backup.BackupPolicyStatus.Run;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.backup.BackupPolicyPlanner.Plan;
import io.pveha.testing.Snapshots;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The status as a pass leaves it: the plan's records and decisions, the conditions, and older
 * operators' statuses read.
 */
class BackupPolicyStatusBuilderTest {

    @Test
    void conditionsFollowTheLastFinishedRunAndDrillAndTheJobsNextRunIsLeftOutWhileTheJobChanges() {
        BackupPolicyStatus previous =
                drilling(
                        BackupPolicyPlanner.BOOTING,
                        vm -> vm.setBootDeadline(NOW.plusSeconds(60).toString()));
        previous.setNextRun("2026-12-02T02:00:00Z");
        previous.setConditions(
                Conditions.set(
                        List.of(),
                        BackupPolicyStatusBuilder.DRILL_SUCCEEDED,
                        Conditions.TRUE,
                        "DrillPassed",
                        "1 of 1 VM(s) passed",
                        1L,
                        NOW));
        Map<String, String> drifted =
                new HashMap<>(BackupJobPlan.desired(policy(), List.of(100, 101), true));
        drifted.put("mode", "stop");
        BackupPolicyFacts facts =
                BackupPolicyPlannerTest.facts(cluster().vm(5000, "pve1", "stopped").build())
                        .withJobs(
                                new BackupPolicyFacts.JobRead(
                                        Optional.of(
                                                new BackupPolicyFacts.ObservedJob(
                                                        drifted,
                                                        Optional.of(
                                                                Instant.parse(
                                                                        "2026-12-02T02:00:00Z"))))));
        Plan plan = BackupPolicyPlanner.plan(policy(), previous, facts, NOW);

        BackupPolicyStatus status =
                BackupPolicyStatusBuilder.build(policy(), previous, facts, plan, NOW);
        assertThat(status.getNextRun())
                .as("not taken for a run when the job is read again")
                .isNull();
        assertThat(status.getSelectedVmids()).containsExactlyInAnyOrder(100, 101);
        assertThat(status.getObservedGeneration()).isEqualTo(2L);
        assertThat(
                        Conditions.find(
                                status.getConditions(),
                                BackupPolicyStatusBuilder.LAST_RUN_SUCCEEDED))
                .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("NoRunYet"));
        assertThat(
                        Conditions.find(
                                status.getConditions(), BackupPolicyStatusBuilder.DRILL_SUCCEEDED))
                .as("a drill in flight keeps the last finished drill's outcome")
                .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("DrillPassed"));
        assertThat(previous.getDrill().getVms().get(0).getBootDeadline())
                .as("the status read is not changed")
                .isNotNull();
    }

    @Test
    void anOlderOperatorsTaskIdsBecomeTaskRecordsSoTheyAreFollowedNotStartedAgain() {
        BackupPolicyStatus old =
                drilling(
                        BackupPolicyPlanner.RESTORING,
                        vm -> vm.setUpid(Snapshots.upid("pve1", "qmrestore", "5000", 1L)));
        Run run = new Run();
        run.setResult("running");
        run.setUpids(List.of(Snapshots.upid("pve2", "vzdump", "101", 1L)));
        old.setPendingRun(run);

        BackupPolicyStatus upgraded = BackupPolicyStatusBuilder.upgraded(old);
        assertThat(upgraded.getPendingRun().getTasks())
                .singleElement()
                .satisfies(
                        t -> {
                            assertThat(t.getNode()).isEqualTo("pve2");
                            assertThat(t.getTaskType()).isEqualTo("vzdump");
                            assertThat(t.started()).isTrue();
                        });
        assertThat(upgraded.getDrill().getVms().get(0).getTask().getTaskType())
                .isEqualTo("qmrestore");
        assertThat(old.getPendingRun().getTasks()).as("the status read is not changed").isEmpty();
    }

    @Test
    void theTaskIdsUsersReadMirrorTheTaskRecords() {
        BackupPolicyStatus status = drilling(BackupPolicyPlanner.STARTING, vm -> {});
        PendingTask start = new PendingTask("Start", "pve1", "qmstart", "5000", NOW.toString());
        start.setUpid(Snapshots.upid("pve1", "qmstart", "5000", 2L));
        status.getDrill().getVms().get(0).setTask(start);
        Run run = new Run();
        PendingTask vzdump = new PendingTask("Backup", "pve1", "vzdump", "100", NOW.toString());
        vzdump.setUpid(Snapshots.upid("pve1", "vzdump", "100", 3L));
        run.getTasks().add(vzdump);
        run.getTasks().add(new PendingTask("Backup", "pve2", "vzdump", "101", NOW.toString()));
        status.setPendingRun(run);

        BackupPolicyStatusBuilder.withTaskIds(status);
        assertThat(status.getDrill().getVms().get(0).getUpid()).isEqualTo(start.getUpid());
        assertThat(status.getPendingRun().getUpids())
                .as("only tasks PVE started")
                .containsExactly(vzdump.getUpid());
    }

    @Test
    void callsPveRefusedAreRecordedAsFailuresNotRepeated() {
        BackupPolicyStatus status = drilling(BackupPolicyPlanner.RESTORING, vm -> {});
        BackupPolicyStatusBuilder.stepRefused(
                status.getDrill().getVms().get(0),
                BackupPolicyPlanner.Step.RESTORE,
                "POST /nodes/pve1/qemu: 500 storage 'scratch-lvm' does not exist");
        assertThat(status.getDrill().getVms().get(0))
                .satisfies(
                        vm -> {
                            assertThat(vm.getResult()).isEqualTo(BackupPolicyPlanner.FAILED);
                            assertThat(vm.getPhase())
                                    .as("its scratch VM, if any, is cleaned up")
                                    .isEqualTo(BackupPolicyPlanner.CLEANING_UP);
                            assertThat(vm.getReason())
                                    .isEqualTo(
                                            "restoring "
                                                    + BackupPolicyPlannerTest.VOLUME_100
                                                    + " was refused: POST /nodes/pve1/qemu: 500 storage 'scratch-lvm' does not exist");
                        });

        Run run = new Run();
        BackupPolicyStatusBuilder.partNotStarted(
                run,
                List.of(101, 102),
                "not started: node pve2 runs as many operator tasks as allowed");
        assertThat(run.getVms())
                .extracting(BackupPolicyStatus.VmOutcome::getVmid)
                .containsExactly(101, 102);
        assertThat(run.getVms()).allSatisfy(vm -> assertThat(vm.getResult()).isEqualTo("failed"));
    }
}
