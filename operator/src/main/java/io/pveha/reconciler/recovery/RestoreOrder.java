package io.pveha.reconciler.recovery;

import io.pveha.api.cluster.DisasterRecovery;
import io.pveha.api.vm.HaVm;
import io.pveha.reconciler.lb.LabelSelectors;
import java.util.List;

/**
 * The stages of {@code spec.disasterRecovery.restoreOrder}: a HaVm belongs to the first stage that
 * names or selects it; HaVms in none form one last stage.
 */
public final class RestoreOrder {
    private RestoreOrder() {}

    /** The HaVm's stage: 0 for the first; {@code restoreOrder.size()} for HaVms in none. */
    public static int stageOf(DisasterRecovery dr, HaVm vm) {
        List<DisasterRecovery.RestoreStage> stages = dr == null ? List.of() : dr.getRestoreOrder();
        for (int i = 0; i < stages.size(); i++) {
            DisasterRecovery.RestoreStage stage = stages.get(i);
            if ((stage.getHaVmNames() != null
                            && stage.getHaVmNames().contains(vm.getMetadata().getName()))
                    || (stage.getHaVmSelector() != null
                            && LabelSelectors.matches(
                                    stage.getHaVmSelector(), vm.getMetadata().getLabels()))) {
                return i;
            }
        }
        return stages.size();
    }

    /** How many stages there are, the unordered one included when it is used. */
    public static int count(DisasterRecovery dr, boolean unorderedUsed) {
        int declared = dr == null ? 0 : dr.getRestoreOrder().size();
        return declared + (unorderedUsed || declared == 0 ? 1 : 0);
    }

    /** E.g. {@code 1/3 payments}, or {@code 3/3 (not in restoreOrder)}. */
    public static String label(DisasterRecovery dr, int stage, int count) {
        List<DisasterRecovery.RestoreStage> stages = dr == null ? List.of() : dr.getRestoreOrder();
        String name = stage < stages.size() ? stages.get(stage).getName() : "(not in restoreOrder)";
        return (stage + 1) + "/" + count + " " + name;
    }
}
