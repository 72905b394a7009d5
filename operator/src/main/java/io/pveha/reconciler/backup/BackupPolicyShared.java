package io.pveha.reconciler.backup;

import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.vm.HaVm;
import io.pveha.cluster.ClusterConnections;
import io.pveha.reconciler.EventRecorder;
import io.pveha.reconciler.SpecValidation;
import io.pveha.reconciler.vm.VmidAllocator;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What every BackupPolicy reconcile shares: the cluster layer, events, the HaVm cache, parsed vzdump logs. */
final class BackupPolicyShared {
    final ClusterConnections connections;
    final SpecValidation validation;
    final EventRecorder events;
    final Clock clock;
    /** vzdump task summaries by UPID: a finished task's log never changes, so it is read once. */
    final Map<String, TaskSummary> taskSummaries = new ConcurrentHashMap<>();
    /** Storages the operator created that the last poll may not list yet (cluster key/storage id). */
    final Set<String> createdStorages = ConcurrentHashMap.newKeySet();
    /** Scratch VMIDs of restore drills come from the same allocator as HaVm VMIDs. */
    final VmidAllocator allocator;
    volatile InformerEventSource<HaVm, BackupPolicy> haVmSource;

    BackupPolicyShared(ClusterConnections connections, SpecValidation validation, EventRecorder events, Clock clock,
            VmidAllocator allocator) {
        this.connections = connections;
        this.allocator = allocator;
        this.validation = validation;
        this.events = events;
        this.clock = clock;
    }

    /** HaVms of a namespace from the informer cache (no API call). */
    List<HaVm> haVms(String namespace) {
        InformerEventSource<HaVm, BackupPolicy> source = haVmSource;
        return source == null ? List.of() : source.list(namespace, vm -> true).toList();
    }

    /** What a vzdump task log says: the storage it wrote to and each VM's outcome. */
    record TaskSummary(String storage, Map<Integer, BackupPolicyStatus.VmOutcome> vms) {
        private static final Pattern STORAGE = Pattern.compile("--storage (\\S+)");
        private static final Pattern STARTING = Pattern.compile("^INFO: Starting Backup of VM (\\d+) ");
        private static final Pattern ARCHIVE = Pattern.compile("^INFO: creating vzdump archive '.*/(vzdump-[^/']+)'");
        private static final Pattern FINISHED = Pattern.compile("^INFO: Finished Backup of VM (\\d+) ");
        private static final Pattern FAILED = Pattern.compile("^ERROR: Backup of VM (\\d+) failed - (.*)$");

        static TaskSummary parse(List<String> log) {
            String storage = null;
            Map<Integer, BackupPolicyStatus.VmOutcome> vms = new TreeMap<>();
            Integer current = null;
            for (String line : log) {
                Matcher m;
                if (storage == null && line.startsWith("INFO: starting new backup job:")
                        && (m = STORAGE.matcher(line)).find()) {
                    storage = m.group(1);
                } else if ((m = STARTING.matcher(line)).find()) {
                    current = Integer.parseInt(m.group(1));
                    vms.put(current, outcome(current, "running", null));
                } else if (current != null && (m = ARCHIVE.matcher(line)).find()) {
                    vms.get(current).setVolume(storage == null ? m.group(1) : storage + ":backup/" + m.group(1));
                } else if ((m = FINISHED.matcher(line)).find()) {
                    vms.computeIfAbsent(Integer.parseInt(m.group(1)), v -> outcome(v, "ok", null)).setResult("ok");
                } else if ((m = FAILED.matcher(line)).find()) {
                    BackupPolicyStatus.VmOutcome vm = vms.computeIfAbsent(Integer.parseInt(m.group(1)),
                            v -> outcome(v, "failed", null));
                    vm.setResult("failed");
                    vm.setMessage(m.group(2));
                    vm.setVolume(null);
                }
            }
            return new TaskSummary(storage, vms);
        }

        private static BackupPolicyStatus.VmOutcome outcome(int vmid, String result, String message) {
            BackupPolicyStatus.VmOutcome outcome = new BackupPolicyStatus.VmOutcome();
            outcome.setVmid(vmid);
            outcome.setResult(result);
            outcome.setMessage(message);
            return outcome;
        }
    }
}
