package io.pveha.reconciler.backup;

import com.fasterxml.jackson.databind.JsonNode;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pveha.api.Pveha;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicySpec;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.vm.HaVm;
import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveBackupApi;
import io.pveha.pve.Upid;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.TaskEntry;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Copies;
import io.pveha.reconciler.ReconcileGate;
import io.pveha.reconciler.Redactor;
import io.pveha.reconciler.lb.LabelSelectors;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile of a BackupPolicy: validate, ensure the storage, keep the one PVE vzdump job in sync, run an
 * on-demand backup when the backup-now annotation has a new value (task ids in status before waiting), and
 * report the job, the last run, each VM's latest good backup and the retention preview.
 *
 * <p>PVE calls per pass in the steady state: three ({@code GET /cluster/backup},
 * {@code GET /nodes/{n}/storage/{s}/content}, {@code GET /cluster/tasks}), plus one task log read per vzdump
 * task that is new to the operator (read once, remembered). Storage existence comes from the shared poll
 * ({@code /cluster/resources} lists storages), so it costs nothing.
 */
final class BackupPolicyPass {
    private static final Logger LOG = LoggerFactory.getLogger(BackupPolicyPass.class);
    static final String JOB_IN_SYNC = "JobInSync";
    static final String STORAGE_READY = "StorageReady";
    static final String LAST_RUN_SUCCEEDED = "LastRunSucceeded";
    static final String DRILL_SUCCEEDED = "DrillSucceeded";
    static final Duration BUSY = Duration.ofSeconds(3);
    static final Duration DRILL_STEP = Duration.ofSeconds(1);
    static final Duration WAIT_CLUSTER = Duration.ofSeconds(10);
    /** vzdump tasks of one run start within this window (one per node). */
    private static final long RUN_WINDOW_SECONDS = 60;

    private final BackupPolicyShared shared;
    private final BackupPolicy policy;
    private final Context<BackupPolicy> context;
    private final BackupPolicyStatus status;
    private final long generation;
    private final String jobId;
    private BackupPolicy stored;
    private ClusterConnection connection;
    private ClusterSnapshot snapshot;
    private PveBackupApi api;

    BackupPolicyPass(BackupPolicyShared shared, BackupPolicy policy, Context<BackupPolicy> context) {
        this.shared = shared;
        this.policy = policy;
        this.stored = policy;
        this.context = context;
        this.generation = policy.getMetadata().getGeneration() == null ? 0 : policy.getMetadata().getGeneration();
        BackupPolicyStatus copy = Copies.deepCopy(policy.getStatus(), BackupPolicyStatus.class);
        this.status = copy == null ? new BackupPolicyStatus() : copy;
        this.jobId = BackupJobPlan.jobId(policy);
    }

    /** Runs the pass and writes status; returns when to look again. */
    Duration run() {
        Duration next;
        try {
            next = decide();
        } catch (PveApiException e) {
            String message = Redactor.scrub(e.describe());
            if (!isReason(Conditions.READY, "ApiError") || !Objects.equals(readyMessage(), message)) {
                shared.events.warning(policy, "ApiError", message);
            }
            ready(Conditions.FALSE, "ApiError", message);
            next = e.retryable() ? WAIT_CLUSTER : Duration.ofSeconds(60);
        }
        status.setObservedGeneration(generation);
        persist();
        return next;
    }

    private Duration decide() {
        Optional<ReconcileGate.Stop> stop = ReconcileGate.check(policy, status.getConditions(), shared.validation);
        stop.flatMap(ReconcileGate.Stop::note).ifPresent(n -> shared.events.record(policy, n));
        if (stop.isPresent()) {
            ready(Conditions.FALSE, stop.get().reason().name(), stop.get().message());
            return null;
        }
        ClusterKey key = new ClusterKey(policy.getMetadata().getNamespace(), policy.getSpec().getClusterRef().getName());
        connection = shared.connections.get(key).orElse(null);
        PollOutcome outcome = connection == null ? null : connection.outcome();
        snapshot = outcome == null ? null : outcome.snapshot();
        if (snapshot == null) {
            ready(Conditions.FALSE, "ClusterNotReady", "ProxmoxCluster " + key + " is not connected yet");
            return WAIT_CLUSTER;
        }
        if (outcome.error() != null) {
            ready(Conditions.FALSE, "ClusterUnreachable", "the cluster is unreachable: " + outcome.error().getMessage());
            return WAIT_CLUSTER;
        }
        api = new PveBackupApi(connection.client());
        Duration interval = connection.settings().pollInterval();

        if (!ensureStorage()) {
            return interval;
        }
        Selection selection = resolveSelection();
        status.setSelectedVmids(new ArrayList<>(selection.vmids()));
        status.setVmCount(selection.vmids().size());
        syncJob(selection);

        List<TaskEntry> clusterTasks = connection.api().clusterTasks();
        List<TaskEntry> tasks = vzdumpTasks(clusterTasks);
        boolean running = handleBackupNow(selection, tasks);
        reportLastRun(selection, tasks);
        reportBackups(selection);
        boolean drilling = new BackupDrill(shared, policy, status, connection, snapshot, new BackupDrill.Host() {
            @Override
            public void persist() {
                BackupPolicyPass.this.persist();
            }

            @Override
            public Instant now() {
                return BackupPolicyPass.this.now();
            }
        }).run(selection.vmids(), clusterTasks);
        summarize();
        // A drill waits on tasks that take seconds: look again soon rather than after a poll interval.
        return drilling ? DRILL_STEP : running ? BUSY : interval;
    }

    // ---------------------------------------------------------------- storage

    /** The backup storage exists (from the poll) or is created as the declared NFS export. */
    private boolean ensureStorage() {
        BackupPolicySpec.BackupStorage storage = policy.getSpec().getStorage();
        String storageKey = connection.key() + "/" + storage.getName();
        boolean exists = snapshot.storages().stream().anyMatch(s -> storage.getName().equals(s.storage()));
        if (exists) {
            shared.createdStorages.remove(storageKey);
        }
        if (exists || shared.createdStorages.contains(storageKey)) {
            condition(STORAGE_READY, Conditions.TRUE, "Exists", "storage " + storage.getName() + " exists");
            return true;
        }
        if (storage.getNfs() == null) {
            String message = "storage " + storage.getName() + " does not exist in the cluster; create it or declare"
                    + " spec.storage.nfs so the operator creates it";
            condition(STORAGE_READY, Conditions.FALSE, "StorageMissing", message);
            ready(Conditions.FALSE, "StorageMissing", message);
            return false;
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("storage", storage.getName());
        params.put("type", "nfs");
        params.put("server", storage.getNfs().getServer());
        params.put("export", storage.getNfs().getExport());
        params.put("content", "backup");
        if (storage.getNfs().getOptions() != null && !storage.getNfs().getOptions().isBlank()) {
            params.put("options", storage.getNfs().getOptions());
        }
        try {
            api.createStorage(params);
        } catch (PveApiException e) {
            if (e.getMessage() == null || !e.getMessage().contains("already defined")) {
                throw e;
            }
            // Defined meanwhile (by another policy or an administrator): the poll has not shown it yet.
            shared.createdStorages.add(storageKey);
            condition(STORAGE_READY, Conditions.TRUE, "Exists", "storage " + storage.getName() + " exists");
            return true;
        }
        // Until the poll lists it, remember it exists, so the next pass does not create it again.
        shared.createdStorages.add(storageKey);
        shared.events.normal(policy, "StorageCreated", "created NFS storage " + storage.getName() + " ("
                + storage.getNfs().getServer() + ":" + storage.getNfs().getExport() + ")");
        LOG.info("created NFS storage {}", storage.getName());
        connection.requestPoll();
        condition(STORAGE_READY, Conditions.TRUE, "Created", "storage " + storage.getName() + " created");
        return true;
    }

    // ---------------------------------------------------------------- selection and job

    /** The VMIDs the policy selects now, and the HaVm name of each (for status). */
    record Selection(Set<Integer> vmids, Map<Integer, String> haVmNames, boolean all) {
    }

    private Selection resolveSelection() {
        BackupPolicySpec.Selection spec = policy.getSpec().getSelection();
        Set<Integer> excluded = new TreeSet<>(spec.getExclude());
        Map<Integer, String> names = new TreeMap<>();
        List<HaVm> haVms = shared.haVms(policy.getMetadata().getNamespace());
        for (HaVm vm : haVms) {
            if (vm.getStatus() != null && vm.getStatus().getVmid() != null && vm.getSpec() != null
                    && policy.getSpec().getClusterRef().equals(vm.getSpec().getClusterRef())) {
                names.put(vm.getStatus().getVmid(), vm.getMetadata().getName());
            }
        }
        Set<Integer> vmids = new TreeSet<>();
        if (!spec.getVmids().isEmpty()) {
            vmids.addAll(spec.getVmids());
        } else if (Boolean.TRUE.equals(spec.getAll())) {
            // Scratch VMs of restore drills are never backed up or drilled.
            snapshot.vmsById().values().stream().filter(r -> !r.isTemplate() && !BackupDrill.isScratch(r))
                    .map(ClusterResource::vmid).forEach(vmids::add);
        } else if (spec.getHaVmSelector() != null) {
            for (HaVm vm : haVms) {
                if (vm.getStatus() != null && vm.getStatus().getVmid() != null && vm.getSpec() != null
                        && policy.getSpec().getClusterRef().equals(vm.getSpec().getClusterRef())
                        && LabelSelectors.matches(spec.getHaVmSelector(), vm.getMetadata().getLabels())) {
                    vmids.add(vm.getStatus().getVmid());
                }
            }
        }
        vmids.removeAll(excluded);
        return new Selection(vmids, names, Boolean.TRUE.equals(spec.getAll()));
    }

    /** Creates or updates the policy's job; never touches another job. */
    private void syncJob(Selection selection) {
        Optional<JsonNode> job = api.jobs().stream().filter(j -> jobId.equals(j.path("id").asText())).findFirst();
        boolean nothingSelected = !selection.all() && selection.vmids().isEmpty();
        if (nothingSelected && job.isEmpty()) {
            status.setJobId(null);
            status.setNextRun(null);
            condition(JOB_IN_SYNC, Conditions.FALSE, "NothingSelected", "the selection matches no VM yet; the job is"
                    + " created when it does");
            return;
        }
        // With nothing selected the job keeps its last VM list but is disabled, so no VM is backed up unasked.
        Collection<Integer> vmids = nothingSelected ? lastVmids(job.get()) : selection.vmids();
        if (nothingSelected && vmids.isEmpty()) {
            // The job selected all guests before: PVE needs a selection, so it is only disabled.
            Map<String, Object> disable = Map.of("enabled", 0);
            if (job.get().path("enabled").asInt(1) != 0) {
                api.updateJob(jobId, disable);
            }
            status.setJobId(jobId);
            status.setNextRun(null);
            condition(JOB_IN_SYNC, Conditions.FALSE, "NothingSelected", "the selection matches no VM; job " + jobId
                    + " is disabled until it does");
            return;
        }
        Map<String, String> desired = BackupJobPlan.desired(policy, vmids, !nothingSelected);
        if (job.isEmpty()) {
            Map<String, Object> params = new LinkedHashMap<>(desired);
            params.put("id", jobId);
            api.createJob(params);
            shared.events.normal(policy, "JobCreated", "created PVE backup job " + jobId + " (" + describe(desired) + ")");
            LOG.info("created backup job {}", jobId);
            job = api.jobs().stream().filter(j -> jobId.equals(j.path("id").asText())).findFirst();
        } else {
            BackupJobPlan.Change change = BackupJobPlan.diff(desired, BackupJobPlan.observed(job.get()));
            if (!change.isEmpty()) {
                Map<String, Object> params = new LinkedHashMap<>(change.set());
                if (!change.delete().isEmpty()) {
                    params.put("delete", String.join(",", change.delete()));
                }
                api.updateJob(jobId, params);
                shared.events.normal(policy, "JobUpdated", "updated PVE backup job " + jobId + ": "
                        + describe(change.set()) + (change.delete().isEmpty() ? "" : "; removed " + change.delete()));
                LOG.info("updated backup job {}: {}", jobId, change);
                job = api.jobs().stream().filter(j -> jobId.equals(j.path("id").asText())).findFirst();
            }
        }
        status.setJobId(jobId);
        status.setNextRun(job.filter(j -> j.has("next-run"))
                .map(j -> Instant.ofEpochSecond(j.get("next-run").asLong()).toString()).orElse(null));
        if (nothingSelected) {
            condition(JOB_IN_SYNC, Conditions.FALSE, "NothingSelected", "the selection matches no VM; job " + jobId
                    + " is disabled until it does");
        } else {
            condition(JOB_IN_SYNC, Conditions.TRUE, "InSync", "job " + jobId + " matches the spec");
        }
    }

    private static Collection<Integer> lastVmids(JsonNode job) {
        Set<Integer> result = new TreeSet<>();
        for (String part : job.path("vmid").asText("").split("[,;\\s]+")) {
            if (!part.isEmpty()) {
                result.add(Integer.parseInt(part));
            }
        }
        return result;
    }

    private static String describe(Map<String, String> options) {
        return options.entrySet().stream().filter(e -> !e.getKey().equals("comment"))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    // ---------------------------------------------------------------- runs

    /** vzdump tasks of the cluster, newest first (from {@code /cluster/tasks}: one call per pass). */
    private static List<TaskEntry> vzdumpTasks(List<TaskEntry> clusterTasks) {
        return clusterTasks.stream().filter(t -> "vzdump".equals(t.type()))
                .filter(t -> Upid.isUpid(t.upid()))
                .sorted(Comparator.comparing((TaskEntry t) -> t.starttime() == null ? 0L : t.starttime()).reversed())
                .toList();
    }

    /**
     * Starts an on-demand run when the annotation has a value not yet handled, and follows a run in flight.
     * Returns true while a run is in flight.
     */
    private boolean handleBackupNow(Selection selection, List<TaskEntry> tasks) {
        String token = annotation(Pveha.ANNOTATION_BACKUP_NOW);
        BackupPolicyStatus.Run pending = status.getPendingRun();
        if (pending == null && token != null && !token.equals(status.getHandledBackupNow())) {
            pending = new BackupPolicyStatus.Run();
            pending.setTrigger("on-demand");
            pending.setStartedAt(now().toString());
            pending.setResult("running");
            status.setPendingRun(pending);
            status.setHandledBackupNow(token);
            // The intent is in status before any task starts: after a crash the next pass looks for its tasks.
            persist();
            startRun(selection, pending);
            persist();
            return true;
        }
        if (pending == null) {
            return false;
        }
        if (pending.getUpids().isEmpty()) {
            adoptOrRestart(selection, pending, tasks);
            return status.getPendingRun() != null;
        }
        Map<String, TaskEntry> byUpid = tasks.stream().collect(Collectors.toMap(TaskEntry::upid, t -> t, (a, b) -> a));
        for (String upid : pending.getUpids()) {
            TaskEntry task = byUpid.get(upid);
            if (task == null || task.status() == null) {
                connection.requestPoll();
                return true;
            }
        }
        List<TaskEntry> finished = pending.getUpids().stream().map(byUpid::get).toList();
        BackupPolicyStatus.Run done = outcome(finished, "on-demand");
        status.setPendingRun(null);
        status.setLastRun(done);
        if ("ok".equals(done.getResult())) {
            shared.events.normal(policy, "BackupSucceeded", "on-demand backup finished: " + done.getMessage());
        } else {
            shared.events.warning(policy, "BackupFailed", "on-demand backup " + done.getResult() + ": " + done.getMessage());
        }
        return false;
    }

    private void startRun(Selection selection, BackupPolicyStatus.Run run) {
        Map<String, Object> options = new LinkedHashMap<>(BackupJobPlan.runOptions(policy.getSpec()));
        Map<String, List<Integer>> byNode = new TreeMap<>();
        if (selection.all()) {
            snapshot.nodes().stream().filter(n -> "online".equals(n.status()))
                    .forEach(n -> byNode.put(n.node(), List.of()));
        } else {
            for (int vmid : selection.vmids()) {
                snapshot.vm(vmid).ifPresent(r -> byNode.computeIfAbsent(r.node(), n -> new ArrayList<>()).add(vmid));
            }
        }
        if (byNode.isEmpty()) {
            run.setResult("failed");
            run.setMessage("no selected VM exists in the cluster");
            run.setFinishedAt(now().toString());
            status.setPendingRun(null);
            status.setLastRun(run);
            shared.events.warning(policy, "BackupFailed", "on-demand backup: no selected VM exists in the cluster");
            return;
        }
        for (Map.Entry<String, List<Integer>> node : byNode.entrySet()) {
            Map<String, Object> params = new LinkedHashMap<>(options);
            if (selection.all()) {
                params.put("all", 1);
                if (!policy.getSpec().getSelection().getExclude().isEmpty()) {
                    params.put("exclude", BackupJobPlan.list(policy.getSpec().getSelection().getExclude()));
                }
            } else {
                params.put("vmid", BackupJobPlan.list(node.getValue()));
            }
            api.vzdump(node.getKey(), params).ifPresent(upid -> {
                run.getUpids().add(upid.value());
                if (run.getUpid() == null) {
                    run.setUpid(upid.value());
                }
            });
        }
        shared.events.normal(policy, "BackupStarted", "on-demand backup started on " + String.join(", ", byNode.keySet()));
        connection.requestPoll();
    }

    /**
     * A run whose intent was written but whose task ids were not (the operator stopped in between): adopt the
     * vzdump tasks our token started since then, or start the run again if there are none.
     */
    private void adoptOrRestart(Selection selection, BackupPolicyStatus.Run pending, List<TaskEntry> tasks) {
        String token = connection.settings().token().tokenId();
        long since = Instant.parse(pending.getStartedAt()).getEpochSecond() - 5;
        List<String> ours = tasks.stream().filter(t -> token.equals(Upid.parse(t.upid()).user()))
                .filter(t -> t.starttime() != null && t.starttime() >= since).map(TaskEntry::upid).toList();
        if (!ours.isEmpty()) {
            pending.getUpids().addAll(ours);
            pending.setUpid(ours.get(0));
            LOG.info("adopted on-demand backup tasks {}", ours);
        } else {
            startRun(selection, pending);
        }
    }

    /**
     * The last finished scheduled run of the policy's job, with each VM's outcome: vzdump tasks that
     * {@code pvescheduler} started (not our token: on-demand runs are tracked by their UPIDs), wrote to the
     * policy's storage and backed up selected VMs, newer than the run status already shows.
     */
    private void reportLastRun(Selection selection, List<TaskEntry> tasks) {
        String storage = policy.getSpec().getStorage().getName();
        String token = connection.settings().token().tokenId();
        BackupPolicyStatus.Run last = status.getLastRun();
        long lastStart = last == null || last.getStartedAt() == null ? Long.MIN_VALUE
                : Instant.parse(last.getStartedAt()).getEpochSecond();
        List<TaskEntry> ours = new ArrayList<>();
        for (TaskEntry task : tasks) {
            if (task.status() == null || token.equals(Upid.parse(task.upid()).user()) || task.starttime() == null
                    || task.starttime() <= lastStart) {
                continue;
            }
            BackupPolicyShared.TaskSummary summary = summary(task);
            if (storage.equals(summary.storage()) && summary.vms().keySet().stream()
                    .anyMatch(v -> selection.vmids().contains(v) || selection.all())) {
                ours.add(task);
            }
        }
        if (ours.isEmpty()) {
            return;
        }
        long newest = ours.get(0).starttime();
        List<TaskEntry> run = ours.stream().filter(t -> newest - t.starttime() <= RUN_WINDOW_SECONDS).toList();
        if (tasks.stream().anyMatch(t -> t.status() == null && t.starttime() != null
                && Math.abs(t.starttime() - newest) <= RUN_WINDOW_SECONDS)) {
            // Another node's part of the same run is still going: report the run when all parts are done.
            return;
        }
        BackupPolicyStatus.Run done = outcome(run, "scheduled");
        status.setLastRun(done);
        if ("ok".equals(done.getResult())) {
            shared.events.normal(policy, "BackupSucceeded", "scheduled backup finished: " + done.getMessage());
        } else {
            shared.events.warning(policy, "BackupFailed", "scheduled backup " + done.getResult() + ": " + done.getMessage());
        }
    }

    /** Builds a finished run from its vzdump tasks and their logs. */
    private BackupPolicyStatus.Run outcome(List<TaskEntry> tasks, String trigger) {
        BackupPolicyStatus.Run run = new BackupPolicyStatus.Run();
        run.setTrigger(trigger);
        List<TaskEntry> ordered = tasks.stream().filter(Objects::nonNull)
                .sorted(Comparator.comparing(TaskEntry::upid)).toList();
        run.setUpids(new ArrayList<>(ordered.stream().map(TaskEntry::upid).toList()));
        run.setUpid(ordered.isEmpty() ? null : ordered.get(0).upid());
        ordered.stream().map(TaskEntry::starttime).filter(Objects::nonNull).min(Long::compare)
                .ifPresent(t -> run.setStartedAt(Instant.ofEpochSecond(t).toString()));
        ordered.stream().map(TaskEntry::endtime).filter(Objects::nonNull).max(Long::compare)
                .ifPresent(t -> run.setFinishedAt(Instant.ofEpochSecond(t).toString()));
        int ok = 0;
        int failed = 0;
        List<String> problems = new ArrayList<>();
        for (TaskEntry task : ordered) {
            BackupPolicyShared.TaskSummary summary = summary(task);
            for (Map.Entry<Integer, BackupPolicyStatus.VmOutcome> vm : summary.vms().entrySet()) {
                run.getVms().add(vm.getValue());
                if ("ok".equals(vm.getValue().getResult())) {
                    ok++;
                } else {
                    failed++;
                    problems.add("VM " + vm.getKey() + ": " + vm.getValue().getMessage());
                }
            }
            if (summary.vms().isEmpty() && !"OK".equals(task.status())) {
                failed++;
                problems.add(task.node() + ": " + task.status());
            }
        }
        run.setResult(failed == 0 ? "ok" : ok == 0 ? "failed" : "partial");
        run.setMessage(failed == 0 ? ok + " VM(s) backed up" : ok + " VM(s) backed up, " + failed + " failed: "
                + String.join("; ", problems));
        return run;
    }

    /** What a vzdump task did, from its log (read once per task and remembered). */
    private BackupPolicyShared.TaskSummary summary(TaskEntry task) {
        return shared.taskSummaries.computeIfAbsent(task.upid(),
                upid -> BackupPolicyShared.TaskSummary.parse(connection.api().taskLog(Upid.parse(upid), 10_000)));
    }

    // ---------------------------------------------------------------- backups on the storage

    private void reportBackups(Selection selection) {
        String storage = policy.getSpec().getStorage().getName();
        String node = snapshot.nodes().stream().filter(n -> "online".equals(n.status())).map(ClusterResource::node)
                .findFirst().orElse(null);
        if (node == null) {
            return;
        }
        List<JsonNode> content;
        try {
            content = api.backups(node, storage);
        } catch (PveApiException e) {
            if (e.retryable() && e.httpStatus() != 500) {
                throw e;
            }
            String message = "cannot list backups on storage " + storage + ": " + Redactor.scrub(e.getMessage());
            if (!isReason(STORAGE_READY, "StorageUnavailable")) {
                shared.events.warning(policy, "StorageUnavailable", message);
            }
            condition(STORAGE_READY, Conditions.FALSE, "StorageUnavailable", message);
            return;
        }
        Map<Integer, List<JsonNode>> byVm = new TreeMap<>();
        for (JsonNode entry : content) {
            if (entry.has("vmid")) {
                byVm.computeIfAbsent(entry.get("vmid").asInt(), v -> new ArrayList<>()).add(entry);
            }
        }
        // VMs listed before stay listed while they have backups: a deleted VM can still be restored by policyRef.
        Set<Integer> reported = new TreeSet<>(selection.vmids());
        Map<Integer, String> knownNames = new TreeMap<>();
        for (BackupPolicyStatus.VmBackup previous : status.getVms()) {
            reported.add(previous.getVmid());
            if (previous.getHaVm() != null) {
                knownNames.put(previous.getVmid(), previous.getHaVm());
            }
        }
        knownNames.putAll(selection.haVmNames());
        Retention retention = Retention.of(policy.getSpec().getRetention());
        List<BackupPolicyStatus.VmBackup> vms = new ArrayList<>();
        List<Integer> notCovered = new ArrayList<>();
        List<String> preview = new ArrayList<>();
        for (int vmid : reported) {
            List<JsonNode> backups = byVm.getOrDefault(vmid, List.of());
            if (backups.isEmpty()) {
                if (selection.vmids().contains(vmid)) {
                    notCovered.add(vmid);
                }
                continue;
            }
            JsonNode latest = backups.stream().max(Comparator.comparingLong(b -> b.path("ctime").asLong())).get();
            BackupPolicyStatus.VmBackup entry = new BackupPolicyStatus.VmBackup();
            entry.setVmid(vmid);
            entry.setHaVm(knownNames.get(vmid));
            entry.setVolume(latest.path("volid").asText());
            entry.setTime(Instant.ofEpochSecond(latest.path("ctime").asLong()).toString());
            entry.setSizeBytes(latest.path("size").asLong());
            entry.setCount(backups.size());
            vms.add(entry);
            if (selection.vmids().contains(vmid)) {
                List<Retention.Backup> group = backups.stream().map(b -> new Retention.Backup(b.path("volid").asText(),
                        b.path("ctime").asLong(), b.path("protected").asInt(0) == 1)).toList();
                preview.addAll(retention.removals(group, ZoneOffset.UTC));
            }
        }
        status.setVms(vms);
        status.setNotCovered(notCovered);
        status.setRetentionPreview(preview);
    }

    // ---------------------------------------------------------------- conditions

    private void summarize() {
        BackupPolicyStatus.Run last = status.getLastRun();
        if (last == null) {
            condition(LAST_RUN_SUCCEEDED, Conditions.UNKNOWN, "NoRunYet", "no backup run has finished yet");
        } else if ("ok".equals(last.getResult())) {
            condition(LAST_RUN_SUCCEEDED, Conditions.TRUE, "BackupSucceeded", last.getMessage());
        } else {
            condition(LAST_RUN_SUCCEEDED, Conditions.FALSE, "BackupFailed", last.getMessage());
        }
        drillCondition();
        if (!Conditions.isTrue(status.getConditions(), STORAGE_READY)) {
            String message = Conditions.find(status.getConditions(), STORAGE_READY).map(c -> c.getMessage()).orElse("");
            ready(Conditions.FALSE, "StorageUnavailable", message);
        } else if (!Conditions.isTrue(status.getConditions(), JOB_IN_SYNC)) {
            String message = Conditions.find(status.getConditions(), JOB_IN_SYNC).map(c -> c.getMessage()).orElse("");
            ready(Conditions.FALSE, "NothingSelected", message);
        } else if (last != null && !"ok".equals(last.getResult())) {
            ready(Conditions.FALSE, "LastRunFailed", "last backup run " + last.getResult() + ": " + last.getMessage());
        } else {
            ready(Conditions.TRUE, "Ready", "job " + jobId + " backs up " + status.getVmCount() + " VM(s) to "
                    + policy.getSpec().getStorage().getName());
        }
    }

    /**
     * DrillSucceeded reports the last finished drill. A failed drill does not make the policy unready (Ready is
     * about the backup job); it raises a DrillFailed Warning Event per VM instead.
     */
    private void drillCondition() {
        BackupPolicyStatus.DrillStatus drill = status.getDrill();
        if (drill == null || drill.getResult() == null) {
            return;
        }
        if ("passed".equals(drill.getResult())) {
            condition(DRILL_SUCCEEDED, Conditions.TRUE, "DrillPassed", drill.getMessage());
        } else if ("failed".equals(drill.getResult())) {
            condition(DRILL_SUCCEEDED, Conditions.FALSE, "DrillFailed", drill.getMessage());
        }
        // While a drill runs the condition keeps the last finished drill's outcome.
    }

    private void ready(String value, String reason, String message) {
        condition(Conditions.READY, value, reason, message);
    }

    private void condition(String type, String value, String reason, String message) {
        status.setConditions(Conditions.set(status.getConditions(), type, value, reason, message, generation, now()));
    }

    private boolean isReason(String type, String reason) {
        return Conditions.find(status.getConditions(), type).map(c -> reason.equals(c.getReason())).orElse(false);
    }

    private String readyMessage() {
        return Conditions.find(status.getConditions(), Conditions.READY).map(c -> c.getMessage()).orElse(null);
    }

    private String annotation(String name) {
        Map<String, String> annotations = policy.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(name);
    }

    private Instant now() {
        return shared.clock.instant();
    }

    private void persist() {
        try {
            stored = io.pveha.reconciler.StatusPatch.record(stored, status, context);
        } catch (io.pveha.reconciler.StatusPatch.Conflict e) {
            throw new ConcurrentChange(e);
        }
    }

    /** The policy changed while this pass ran; JOSDK reconciles again from the fresh object. */
    static final class ConcurrentChange extends RuntimeException {
        ConcurrentChange(Throwable cause) {
            super("the BackupPolicy changed during the reconcile", cause);
        }
    }
}
