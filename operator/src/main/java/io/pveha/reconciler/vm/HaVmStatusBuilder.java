package io.pveha.reconciler.vm;

import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveErrorKind;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.HaStatusEntry;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Copies;
import io.pveha.reconciler.Reason;
import io.pveha.reconciler.Redactor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;

/**
 * Builds a HaVm's status in one place: what PVE shows of the VM from the facts, decisions and
 * conditions from the plan.
 */
final class HaVmStatusBuilder {
    private HaVmStatusBuilder() {}

    static HaVmStatus build(HaVm vm, HaVmFacts facts, HaVmPlan plan, Instant now) {
        HaVmStatus status = Copies.copyOrNew(vm.getStatus(), HaVmStatus.class);
        long generation = HaVmPlanner.generation(vm);
        status.setObservedGeneration(generation);
        HaVmPlan.Edits edits = plan.edits();
        if (edits.clearVmid()) {
            status.setVmid(null);
        }
        if (edits.vmid() != null) {
            status.setVmid(edits.vmid());
        }
        if (plan.ended().isPresent() || edits.dropPendingTask()) {
            status.setPendingTask(null);
        }
        if (edits.pveCluster() != null) {
            status.setPveCluster(edits.pveCluster());
        }
        if (edits.recovery() != null) {
            status.setRecovery(Copies.deepCopy(edits.recovery(), HaVmStatus.Recovery.class));
        }
        for (HaVmPlan.ConditionChange c : plan.conditions()) {
            status.setConditions(
                    Conditions.set(
                            status.getConditions(),
                            c.type(),
                            c.status() ? Conditions.TRUE : Conditions.FALSE,
                            c.reason().name(),
                            Redactor.scrub(c.message()),
                            generation,
                            now));
        }
        if (Conditions.isTrue(status.getConditions(), HaVmPlanner.Names.PROVISIONED)) {
            facts.vm().ifPresent(obs -> observe(status, obs, facts.ha()));
        }
        if (edits.appliedPlacement() != null) {
            status.setAppliedPlacement(edits.appliedPlacement());
        }
        if (edits.placement() != null) {
            status.setPlacement(edits.placement().isEmpty() ? null : edits.placement());
        }
        if (edits.appliedSecretsVersion() != null) {
            status.setAppliedSecretsVersion(edits.appliedSecretsVersion());
        }
        if (edits.installerBooted() != null) {
            status.setInstallerBooted(edits.installerBooted());
        }
        if (edits.failedAttempts() != null) {
            status.setFailedAttempts(edits.failedAttempts() == 0 ? null : edits.failedAttempts());
        }
        if (edits.pendingChanges() != null) {
            status.setPendingChanges(new ArrayList<>(edits.pendingChanges()));
        }
        if (edits.ipAddresses() != null) {
            status.setIpAddresses(new ArrayList<>(edits.ipAddresses()));
        }
        Conditions.ready(status, plan.reason(), plan.ready(), plan.message(), generation, now);
        return status;
    }

    /**
     * The status of a pass that stopped before observing (paused, invalid spec) or after a
     * Kubernetes error.
     */
    static HaVmStatus stopped(
            HaVm vm, HaVmStatus previous, Reason reason, String message, Instant now) {
        HaVmStatus status = Copies.copyOrNew(previous, HaVmStatus.class);
        status.setObservedGeneration(HaVmPlanner.generation(vm));
        Conditions.ready(status, reason, false, message, HaVmPlanner.generation(vm), now);
        return status;
    }

    /** The node's task slots are all taken: nothing was recorded or started. */
    static HaVmStatus waitingForSlot(HaVm vm, HaVmStatus built, String node, Instant now) {
        HaVmStatus status = Copies.copyOrNew(built, HaVmStatus.class);
        Conditions.ready(
                status,
                HaVmReason.WaitingForTaskSlot,
                false,
                "node " + node + " runs as many operator tasks as allowed; waiting",
                HaVmPlanner.generation(vm),
                now);
        return status;
    }

    /**
     * PVE refused or failed a call of this pass: Ready says so; a permanent refusal counts as a
     * failed attempt.
     */
    static HaVmStatus apiError(HaVm vm, HaVmStatus built, PveApiException e, Instant now) {
        HaVmStatus status = Copies.copyOrNew(built, HaVmStatus.class);
        Reason reason =
                e.kind() == PveErrorKind.NODE_UNREACHABLE
                        ? HaVmReason.NodeOffline
                        : e.kind() == PveErrorKind.LOCKED
                                ? HaVmReason.Locked
                                : CommonReason.ApiError;
        if (!e.retryable()) {
            status.setFailedAttempts(
                    status.getFailedAttempts() == null ? 1 : status.getFailedAttempts() + 1);
        }
        Conditions.ready(status, reason, false, e.describe(), HaVmPlanner.generation(vm), now);
        return status;
    }

    /**
     * When to look again after a PVE error: soon when it is transient, backing off when PVE
     * refused.
     */
    static Duration retryAfter(HaVmStatus status, PveApiException e) {
        return e.retryable()
                ? Duration.ofSeconds(10)
                : HaVmPlanner.backoff(
                        status.getFailedAttempts() == null ? 1 : status.getFailedAttempts());
    }

    private static void observe(
            HaVmStatus status, ClusterResource obs, Optional<HaStatusEntry> ha) {
        status.setNode(obs.node());
        status.setPowerState(obs.status());
        status.setTemplate(obs.isTemplate());
        status.setHaState(ha.map(HaStatusEntry::crmState).orElse(obs.hastate()));
    }
}
