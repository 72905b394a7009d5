package io.pveha.reconciler.cluster;

import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.cluster.ProxmoxClusterStatus;
import io.pveha.api.cluster.ProxmoxClusterStatus.NodeInfo;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Note;
import io.pveha.reconciler.Reason;
import io.pveha.reconciler.Reasons;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Events of a ProxmoxCluster pass, from what changed between the previous and the new status:
 * readiness (Normal when it becomes Ready, a Warning with the reason when it stops being Ready,
 * except while connecting), and nodes going offline or coming back. A state that stays is reported
 * once.
 */
final class ProxmoxClusterEvents {
    private ProxmoxClusterEvents() {}

    static List<Note> between(ProxmoxClusterStatus before, ProxmoxClusterStatus after) {
        List<Note> notes = new ArrayList<>();
        Optional<Condition> was =
                Conditions.find(before == null ? null : before.getConditions(), Conditions.READY);
        Optional<Condition> is = Conditions.find(after.getConditions(), Conditions.READY);
        boolean changed =
                is.isPresent()
                        && (was.isEmpty()
                                || !Objects.equals(was.get().getStatus(), is.get().getStatus())
                                || !Objects.equals(was.get().getReason(), is.get().getReason()));
        if (changed) {
            Optional<Reason> reason =
                    Reasons.find(ProxmoxClusterReason.class, is.get().getReason());
            if (Conditions.TRUE.equals(is.get().getStatus())) {
                notes.add(Note.normal(ProxmoxClusterReason.Ready, is.get().getMessage()));
            } else if (reason.isPresent()
                    && reason.get() != ProxmoxClusterReason.Connecting
                    && reason.get() != ProxmoxClusterReason.PreparingStorage
                    && reason.get() != ProxmoxClusterReason.Restoring) {
                // A recovery's progress has Events of its own (RecoveryStarted, stages).

                notes.add(Note.warning(reason.get(), is.get().getMessage()));
            }
        }
        Map<String, Boolean> wasOnline =
                before == null || before.getNodes() == null
                        ? Map.of()
                        : before.getNodes().stream()
                                .collect(
                                        Collectors.toMap(
                                                NodeInfo::getName,
                                                n -> Boolean.TRUE.equals(n.getOnline()),
                                                (a, b) -> a));
        for (NodeInfo n : after.getNodes()) {
            Boolean online = wasOnline.get(n.getName());
            boolean now = Boolean.TRUE.equals(n.getOnline());
            if (Boolean.TRUE.equals(online) && !now) {
                notes.add(
                        Note.warning(
                                ProxmoxClusterReason.NodeOffline,
                                "node " + n.getName() + " is offline"));
            } else if (Boolean.FALSE.equals(online) && now) {
                notes.add(
                        Note.normal(
                                ProxmoxClusterReason.NodeOnline,
                                "node " + n.getName() + " is back online"));
            }
        }
        return notes;
    }
}
