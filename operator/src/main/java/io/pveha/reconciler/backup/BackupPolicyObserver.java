package io.pveha.reconciler.backup;

import static io.pveha.reconciler.backup.BackupPolicyFacts.BackupsRead;
import static io.pveha.reconciler.backup.BackupPolicyFacts.JobRead;
import static io.pveha.reconciler.backup.BackupPolicyFacts.ObservedJob;
import static io.pveha.reconciler.backup.BackupPolicyFacts.ScratchRead;
import static io.pveha.reconciler.backup.BackupPolicyFacts.Selection;
import static io.pveha.reconciler.backup.BackupPolicyFacts.StoredBackup;

import com.fasterxml.jackson.databind.JsonNode;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pveha.api.PendingTask;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicySpec;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.vm.HaVm;
import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveBackupApi;
import io.pveha.pve.PveErrorKind;
import io.pveha.pve.Upid;
import io.pveha.pve.model.ClusterResource;
import io.pveha.reconciler.ClusterView;
import io.pveha.reconciler.Redactor;
import io.pveha.reconciler.lb.LabelSelectors;
import io.pveha.reconciler.task.TaskLedger;
import io.pveha.reconciler.task.TaskLedger.TaskFact;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads what a BackupPolicy's plan needs, without changing anything in PVE. For free: the cluster's
 * shared poll (storages, VM placement, and the task list while the policy has a run or drill in
 * flight), the HaVms from the informer cache, and the ledger's view of the policy's tasks. Calls of
 * its own, only when the plan asks ({@link #read}): the job list, the storage's backups, a scratch
 * VM's config and vzdump logs (each read once).
 */
final class BackupPolicyObserver {
    private final ClusterConnections connections;
    private final TaskLedger ledger;
    private final VzdumpSummary.Cache logs = new VzdumpSummary.Cache();
    private volatile InformerEventSource<HaVm, BackupPolicy> haVms;

    BackupPolicyObserver(ClusterConnections connections, TaskLedger ledger) {
        this.connections = connections;
        this.ledger = ledger;
    }

    void watchHaVms(InformerEventSource<HaVm, BackupPolicy> source) {
        this.haVms = source;
    }

    static ClusterKey clusterKey(BackupPolicy policy) {
        return new ClusterKey(
                policy.getMetadata().getNamespace(), policy.getSpec().getClusterRef().getName());
    }

    BackupPolicyFacts observe(BackupPolicy policy, BackupPolicyStatus status) {
        ClusterView cluster = ClusterView.of(connections, clusterKey(policy));
        ClusterSnapshot snapshot = cluster.snapshot();
        ClusterConnection connection = cluster.connection();
        List<HaVm> vms = haVmsOf(policy);
        Set<Integer> claimed =
                vms.stream()
                        .flatMap(
                                h ->
                                        Stream.of(
                                                h.getSpec().getVmid(),
                                                h.getStatus() == null
                                                        ? null
                                                        : h.getStatus().getVmid()))
                        .filter(Objects::nonNull)
                        .collect(Collectors.toSet());
        if (!cluster.usable()) {
            // Nothing is planned from an unreachable cluster, and its tasks are not followed either
            // (no calls).
            return new BackupPolicyFacts(
                    cluster,
                    false,
                    "",
                    Duration.ofSeconds(10),
                    new Selection(Set.of(), Map.of(), false),
                    claimed,
                    List.of(),
                    Optional.empty(),
                    Map.of(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty());
        }
        String uid = policy.getMetadata().getUid();
        List<TaskFact> runTasks = new ArrayList<>();
        // Tasks recorded on a cluster lost to a disaster-recovery switch are not followed here
        // (their UPIDs name its nodes): the planner abandons them.
        boolean lostCluster = BackupPolicyPlanner.recordsFromAnotherCluster(status, snapshot);
        if (status != null && status.getPendingRun() != null && !lostCluster) {
            for (PendingTask task : status.getPendingRun().getTasks()) {
                runTasks.add(ledger.observe(connection, uid, task, snapshot));
            }
        }
        Optional<TaskFact> drillTask =
                Optional.ofNullable(status == null || lostCluster ? null : status.getDrill())
                        .flatMap(
                                d ->
                                        d.getVms().stream()
                                                .filter(
                                                        v ->
                                                                !BackupPolicyPlanner.DONE.equals(
                                                                        v.getPhase()))
                                                .findFirst())
                        .map(BackupPolicyStatus.DrillVm::getTask)
                        .map(task -> ledger.observe(connection, uid, task, snapshot));
        // Logs read before (finished tasks only) come from the cache: a run's end is then planned
        // in one go.
        Map<String, VzdumpSummary> known = new HashMap<>();
        Stream.concat(
                        snapshot.tasksByUpid().keySet().stream(),
                        runTasks.stream().map(t -> t.task().getUpid()))
                .filter(Objects::nonNull)
                .forEach(
                        upid -> {
                            VzdumpSummary summary = logs.get(upid);
                            if (summary != null) {
                                known.put(upid, summary);
                            }
                        });
        return new BackupPolicyFacts(
                cluster,
                ledger.isStale(uid, snapshot),
                connection.settings().token().tokenId(),
                connection.settings().pollInterval(),
                select(policy, vms, snapshot),
                claimed,
                runTasks,
                drillTask,
                Map.copyOf(known),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /**
     * Reads what the plan asked for. Each read has its reason: the job list is the only place PVE
     * says whether the job matches the spec and when it runs next (so also whether it just ran);
     * the backup list is the only source of each VM's latest backup and of the retention preview
     * (no poll carries it); a scratch VM's config decides whether it is ours before it is touched
     * (the poll has no descriptions); a vzdump log is the only record of which VMs a task backed up
     * to which storage.
     */
    BackupPolicyFacts read(
            BackupPolicy policy, BackupPolicyFacts facts, BackupPolicyPlanner.Needs needs) {
        ClusterConnection connection = facts.cluster().connection();
        PveBackupApi api = new PveBackupApi(connection.client());
        BackupPolicyFacts result = facts;
        if (needs.jobs()) {
            String jobId = BackupJobPlan.jobId(policy);
            result =
                    result.withJobs(
                            new JobRead(
                                    api.jobs().stream()
                                            .filter(j -> jobId.equals(j.path("id").asText()))
                                            .findFirst()
                                            .map(
                                                    j ->
                                                            new ObservedJob(
                                                                    BackupJobPlan.observed(j),
                                                                    j.has("next-run")
                                                                            ? Optional.of(
                                                                                    Instant
                                                                                            .ofEpochSecond(
                                                                                                    j.get(
                                                                                                                    "next-run")
                                                                                                            .asLong()))
                                                                            : Optional.empty()))));
        }
        if (needs.backups()) {
            result =
                    result.withBackups(
                            backups(
                                    api,
                                    facts.cluster().snapshot(),
                                    policy.getSpec().getStorage()));
        }
        if (needs.scratch().isPresent()) {
            BackupPolicyPlanner.ScratchRef ref = needs.scratch().get();
            Optional<Map<String, String>> config;
            try {
                config = Optional.of(connection.vms().config(ref.node(), ref.vmid()).values());
            } catch (PveApiException e) {
                if (e.kind() != PveErrorKind.NOT_FOUND) {
                    throw e;
                }
                config = Optional.empty();
            }
            result = result.withScratch(new ScratchRead(ref.vmid(), config));
        }
        if (!needs.logs().isEmpty()) {
            Map<String, VzdumpSummary> read = new HashMap<>();
            for (String upid : needs.logs()) {
                VzdumpSummary summary = logs.get(upid);
                if (summary == null) {
                    summary =
                            VzdumpSummary.parse(connection.api().taskLog(Upid.parse(upid), 10_000));
                    logs.put(upid, summary);
                }
                read.put(upid, summary);
            }
            result = result.withSummaries(read);
        }
        return result;
    }

    private static BackupsRead backups(
            PveBackupApi api, ClusterSnapshot snapshot, BackupPolicySpec.BackupStorage storage) {
        Optional<String> node =
                snapshot.nodes().stream()
                        .filter(n -> "online".equals(n.status()))
                        .map(ClusterResource::node)
                        .findFirst();
        if (node.isEmpty()) {
            return new BackupsRead(List.of(), Optional.of("no node is online to list it"));
        }
        List<JsonNode> content;
        try {
            content = api.backups(node.get(), storage.getName());
        } catch (PveApiException e) {
            // An unreachable node or PVE is retried as an API error; a storage PVE cannot activate
            // is reported.
            if (e.retryable() && e.httpStatus() != 500) {
                throw e;
            }
            return new BackupsRead(List.of(), Optional.of(Redactor.scrub(e.getMessage())));
        }
        List<StoredBackup> backups =
                content.stream()
                        .filter(b -> b.has("vmid"))
                        .map(
                                b ->
                                        new StoredBackup(
                                                b.get("vmid").asInt(),
                                                b.path("volid").asText(),
                                                b.path("ctime").asLong(),
                                                b.path("size").asLong(),
                                                b.path("protected").asInt(0) == 1,
                                                b.hasNonNull("notes")
                                                        ? b.get("notes").asText()
                                                        : null))
                        .toList();
        return new BackupsRead(backups, Optional.empty());
    }

    /**
     * The VMIDs the policy selects now, and the HaVm name of each. Scratch VMs of drills are never
     * selected.
     */
    static Selection select(BackupPolicy policy, List<HaVm> haVms, ClusterSnapshot snapshot) {
        BackupPolicySpec.Selection spec = policy.getSpec().getSelection();
        Map<Integer, String> names = new TreeMap<>();
        Map<String, String> byVmName = new TreeMap<>();
        Set<Integer> vmids = new TreeSet<>();
        boolean all = Boolean.TRUE.equals(spec.getAll());
        for (HaVm vm : haVms) {
            byVmName.putIfAbsent(
                    io.pveha.reconciler.vm.VmSpecMapping.vmName(vm), vm.getMetadata().getName());
            if (vm.getStatus() != null && vm.getStatus().getVmid() != null) {
                names.put(vm.getStatus().getVmid(), vm.getMetadata().getName());
                if (spec.getVmids().isEmpty()
                        && !all
                        && spec.getHaVmSelector() != null
                        && LabelSelectors.matches(
                                spec.getHaVmSelector(), vm.getMetadata().getLabels())) {
                    vmids.add(vm.getStatus().getVmid());
                }
            }
        }
        if (!spec.getVmids().isEmpty()) {
            vmids.addAll(spec.getVmids());
        } else if (all && snapshot != null) {
            snapshot.vmsById().values().stream()
                    .filter(r -> !r.isTemplate() && !BackupPolicyPlanner.isScratch(r))
                    .map(ClusterResource::vmid)
                    .forEach(vmids::add);
        }
        spec.getExclude().forEach(vmids::remove);
        return new Selection(vmids, names, all, byVmName);
    }

    /** The HaVms of the policy's namespace and cluster, from the informer cache (no API call). */
    private List<HaVm> haVmsOf(BackupPolicy policy) {
        InformerEventSource<HaVm, BackupPolicy> source = haVms;
        if (source == null) {
            return List.of();
        }
        return source.list(
                        policy.getMetadata().getNamespace(),
                        vm ->
                                vm.getSpec() != null
                                        && policy.getSpec()
                                                .getClusterRef()
                                                .equals(vm.getSpec().getClusterRef()))
                .toList();
    }

    /**
     * While a scheduled run is followed, polls list the cluster's tasks (a watch: PVE runs it, no
     * node's slot is taken).
     */
    void watchScheduledRun(ClusterConnection connection, BackupPolicy policy, boolean watching) {
        connection.taskSlots().watch(policy.getMetadata().getUid() + "/scheduled-run", watching);
    }

    /** The policy is gone: its task slots, its watch and the ledger's memory of it go too. */
    void forget(BackupPolicy policy) {
        ClusterConnection connection = connections.get(clusterKey(policy)).orElse(null);
        ledger.forget(connection, policy.getMetadata().getUid());
        if (connection != null) {
            watchScheduledRun(connection, policy, false);
        }
    }
}
