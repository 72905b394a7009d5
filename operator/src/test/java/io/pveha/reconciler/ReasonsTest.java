package io.pveha.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.reconciler.backup.BackupPolicyReason;
import io.pveha.reconciler.ceph.CephPoolReason;
import io.pveha.reconciler.cluster.ProxmoxClusterReason;
import io.pveha.reconciler.lb.LbReason;
import io.pveha.reconciler.vm.HaVmReason;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each kind's vocabulary: valid Kubernetes reasons, one meaning per name, and a Ready reason among
 * them.
 */
class ReasonsTest {
    @SuppressWarnings({"unchecked", "rawtypes"})
    static List<Reason> vocabulary(String kind) {
        Class type =
                switch (kind) {
                    case "HaVm" -> HaVmReason.class;
                    case "CephPool" -> CephPoolReason.class;
                    case "BackupPolicy" -> BackupPolicyReason.class;
                    case "ProxmoxCluster" -> ProxmoxClusterReason.class;
                    default -> LbReason.class;
                };
        return Reasons.vocabulary(type);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"HaVm", "CephPool", "BackupPolicy", "ProxmoxCluster", "LoadBalancerPair"})
    void everyReasonIsAValidConditionReasonWithOneMeaning(String kind) {
        List<Reason> reasons = vocabulary(kind);

        // metav1.Condition's reason pattern.
        assertThat(reasons)
                .extracting(Reason::name)
                .allMatch(n -> n.matches("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$"));
        Map<String, List<Reason.Health>> byName =
                reasons.stream()
                        .collect(
                                Collectors.groupingBy(
                                        Reason::name,
                                        Collectors.mapping(Reason::health, Collectors.toList())));
        assertThat(byName)
                .allSatisfy(
                        (name, health) ->
                                assertThat(health).as(name + " means one thing").hasSize(1));
        assertThat(reasons)
                .extracting(Reason::health)
                .contains(
                        Reason.Health.HEALTHY,
                        Reason.Health.PROGRESSING,
                        Reason.Health.DEGRADED,
                        Reason.Health.SUSPENDED);
    }
}
