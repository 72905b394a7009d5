package io.pveha.reconciler.recovery;

import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.vm.HaVm;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The backups a HaVm can be rebuilt from: what the BackupPolicies of its cluster report for it
 * ({@code status.vms}: the latest good backup and up to three older ones, tied to the HaVm by the
 * archives' notes), newest first, without those already tried and failed.
 */
public final class Candidates {
    private Candidates() {}

    /** One backup to restore. */
    public record Candidate(
            String volume, String time, Long sizeBytes, String policy, Integer vmid) {}

    public static List<Candidate> of(HaVm vm, List<BackupPolicy> policies, Set<String> excluded) {
        String name = vm.getMetadata().getName();
        Map<String, Candidate> byVolume = new LinkedHashMap<>();
        for (BackupPolicy policy : policies) {
            if (policy.getStatus() == null) {
                continue;
            }
            String policyName = policy.getMetadata().getName();
            for (BackupPolicyStatus.VmBackup entry : policy.getStatus().getVms()) {
                if (!name.equals(entry.getHaVm()) || entry.getVolume() == null) {
                    continue;
                }
                byVolume.putIfAbsent(
                        entry.getVolume(),
                        new Candidate(
                                entry.getVolume(),
                                entry.getTime(),
                                entry.getSizeBytes(),
                                policyName,
                                entry.getVmid()));
                for (BackupPolicyStatus.BackupVolume older : entry.getPrevious()) {
                    byVolume.putIfAbsent(
                            older.getVolume(),
                            new Candidate(
                                    older.getVolume(),
                                    older.getTime(),
                                    older.getSizeBytes(),
                                    policyName,
                                    entry.getVmid()));
                }
            }
        }
        List<Candidate> result = new ArrayList<>();
        byVolume.values().stream()
                .filter(c -> !excluded.contains(c.volume()))
                .sorted(
                        Comparator.comparing(
                                        (Candidate c) -> Objects.toString(c.time(), ""),
                                        Comparator.reverseOrder())
                                .thenComparing(Candidate::volume, Comparator.reverseOrder()))
                .forEach(result::add);
        return result;
    }
}
