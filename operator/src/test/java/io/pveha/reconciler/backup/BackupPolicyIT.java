package io.pveha.reconciler.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.pveha.api.DeletionPolicy;
import io.pveha.api.ObjectRef;
import io.pveha.api.Pveha;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicySpec;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.vm.BackupSource;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.Source;
import io.pveha.api.vm.TemplateSource;
import io.pveha.pve.PveBackupApi;
import io.pveha.pve.PveClient;
import io.pveha.reconciler.Conditions;
import io.pveha.simulator.TaskView;
import io.pveha.simulator.VmView;
import io.pveha.testing.SimHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * BackupPolicy end to end (mock API server + PVE simulator at 20x + the operator): a near-term
 * schedule fires, retention prunes what the rules say, HaVms that get the labels join the job,
 * backup-now is tracked to its end, a full storage fails the run with a clear status, and a deleted
 * HaVm comes back from its latest backup.
 */
class BackupPolicyIT {
    static final int TEMPLATE = 9100;
    static final String STORAGE = "nfs-backup";
    static SimHarness h;
    static PveClient admin;

    @BeforeAll
    static void start() {
        // Schedules, backups and restores are minutes of simulated time: run the clock at x60.
        // Against a real kube-apiserver: the policy's status (run records, per-VM backups, drill
        // phases) goes through the CRD's schema and status subresource as in production.
        h = SimHarness.options().timeScale(60.0).realApiServer().start();
        h.sim.cluster()
                .createTemplate(
                        "pve1",
                        TEMPLATE,
                        Map.of(
                                "name",
                                "tpl",
                                "memory",
                                "1024",
                                "cores",
                                "1",
                                "scsi0",
                                "ceph-vm:4",
                                "net0",
                                "virtio,bridge=vmbr0"));
        admin = h.pveAsAdmin();
    }

    @AfterAll
    static void stop() {
        admin.close();
        h.close();
    }

    @Test
    void aNearTermScheduleFiresRetentionPrunesAndNewHaVmsJoin() {
        labelledVm("sched-a", "tier", "sched");
        labelledVm("sched-b", "tier", "sched");
        int a = h.awaitReady("sched-a", Duration.ofSeconds(60)).getStatus().getVmid();
        int b = h.awaitReady("sched-b", Duration.ofSeconds(60)).getStatus().getVmid();
        policy(
                "every-two-minutes",
                "*/2",
                "tier",
                "sched",
                spec -> spec.getRetention().setKeepLast(2));

        BackupPolicy ready =
                awaitStatus(
                        "every-two-minutes",
                        s -> s.getVms().size() == 2 && s.getLastRun() != null,
                        Duration.ofSeconds(60));
        BackupPolicyStatus status = ready.getStatus();
        assertThat(status.getJobId()).isEqualTo(BackupJobPlan.jobId(ready));
        assertThat(status.getNextRun()).isNotNull();
        assertThat(status.getSelectedVmids()).containsExactlyInAnyOrder(a, b);
        assertThat(status.getLastRun().getTrigger()).isEqualTo("scheduled");
        assertThat(status.getLastRun().getResult()).isEqualTo("ok");
        assertThat(status.getLastRun().getVms())
                .extracting(BackupPolicyStatus.VmOutcome::getResult)
                .containsOnly("ok");
        assertThat(status.getVms())
                .extracting(BackupPolicyStatus.VmBackup::getHaVm)
                .containsExactlyInAnyOrder("sched-a", "sched-b");
        assertThat(status.getNotCovered()).isEmpty();
        JsonNode job = job(status.getJobId());
        assertThat(job.get("vmid").asText()).isEqualTo(Math.min(a, b) + "," + Math.max(a, b));
        assertThat(job.get("storage").asText()).isEqualTo(STORAGE);
        assertThat(job.get("prune-backups").get("keep-last").asInt()).isEqualTo(2);
        assertThat(job.get("comment").asText()).contains("BackupPolicy store/every-two-minutes");

        // A HaVm that gets the labels joins the job without anything else being done.
        labelledVm("sched-c", "tier", "sched");
        int c = h.awaitReady("sched-c", Duration.ofSeconds(60)).getStatus().getVmid();
        awaitStatus(
                "every-two-minutes", s -> s.getSelectedVmids().contains(c), Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () ->
                                job(status.getJobId())
                                        .get("vmid")
                                        .asText()
                                        .equals(BackupJobPlan.list(List.of(a, b, c))));

        // After at least three runs each VM keeps exactly its two newest backups (keep-last=2).
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> vzdumpRunsOf(a) >= 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> backupsOf(a).size() == 2);
        List<Long> times =
                backupsOf(a).stream().map(v -> v.path("ctime").asLong()).sorted().toList();
        assertThat(times.get(1) - times.get(0))
                .as("the two newest, two minutes apart")
                .isEqualTo(120);
        BackupPolicy after =
                awaitStatus(
                        "every-two-minutes",
                        s ->
                                s.getVms().stream()
                                        .anyMatch(
                                                v ->
                                                        v.getVmid() == a
                                                                && v.getCount() != null
                                                                && v.getCount() == 2),
                        Duration.ofSeconds(30));
        assertThat(after.getStatus().getRetentionPreview())
                .as("nothing left to prune right after a run")
                .isEmpty();
        h.client.resource(after).delete();
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                jobs().stream()
                                        .noneMatch(
                                                j ->
                                                        j.path("id")
                                                                .asText()
                                                                .equals(status.getJobId())));
        assertThat(backupsOf(a)).as("deleting the policy keeps the backups").hasSize(2);
    }

    @Test
    void backupNowIsTrackedToCompletionAndAFullStorageFailsTheRunClearly() {
        labelledVm("ondemand", "tier", "ondemand");
        int vmid = h.awaitReady("ondemand", Duration.ofSeconds(60)).getStatus().getVmid();
        policy("on-demand", "*-01-01 00:00", "tier", "ondemand", spec -> {});
        awaitStatus(
                "on-demand",
                s -> s.getJobId() != null && s.getSelectedVmids().contains(vmid),
                Duration.ofSeconds(30));

        annotate("on-demand", "first");
        BackupPolicy done =
                awaitStatus(
                        "on-demand",
                        s ->
                                "first".equals(s.getHandledBackupNow())
                                        && s.getPendingRun() == null
                                        && s.getLastRun() != null
                                        && "on-demand".equals(s.getLastRun().getTrigger()),
                        Duration.ofSeconds(60));
        BackupPolicyStatus.Run run = done.getStatus().getLastRun();
        assertThat(run.getResult()).isEqualTo("ok");
        assertThat(run.getUpids()).hasSize(1).allMatch(u -> u.contains(":vzdump:"));
        assertThat(run.getVms())
                .singleElement()
                .satisfies(
                        vm -> {
                            assertThat(vm.getVmid()).isEqualTo(vmid);
                            assertThat(vm.getVolume())
                                    .startsWith(STORAGE + ":backup/vzdump-qemu-" + vmid + "-");
                        });
        awaitStatus(
                "on-demand",
                s -> s.getVms().stream().anyMatch(v -> v.getVmid() == vmid),
                Duration.ofSeconds(20));
        assertThat(events("on-demand"))
                .extracting(Event::getReason)
                .contains("JobCreated", "BackupStarted", "BackupSucceeded");

        h.sim.faults().fillStorage(STORAGE);
        try {
            annotate("on-demand", "second");
            BackupPolicy failed =
                    awaitStatus(
                            "on-demand",
                            s ->
                                    "second".equals(s.getHandledBackupNow())
                                            && s.getPendingRun() == null
                                            && "failed".equals(s.getLastRun().getResult()),
                            Duration.ofSeconds(60));
            assertThat(failed.getStatus().getLastRun().getMessage())
                    .contains("VM " + vmid)
                    .contains("No space left on device");
            assertThat(
                            Conditions.find(
                                    failed.getStatus().getConditions(),
                                    BackupPolicyStatusBuilder.LAST_RUN_SUCCEEDED))
                    .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));
            assertThat(h.readyReason(BackupPolicy.class, "on-demand")).contains("LastRunFailed");
            assertThat(events("on-demand")).extracting(Event::getReason).contains("BackupFailed");
        } finally {
            h.sim.faults().freeStorage(STORAGE);
        }
    }

    @Test
    void aDeletedHaVmComesBackFromItsLatestBackupThroughPolicyRef() {
        h.havm(
                "restored",
                vm -> {
                    vm.getMetadata().setLabels(Map.of("tier", "restore"));
                    vm.getSpec().setSource(template(TEMPLATE));
                    vm.getSpec().setMemoryMiB(1536);
                    vm.getSpec().setDeletionPolicy(DeletionPolicy.Delete);
                });
        int vmid = h.awaitReady("restored", Duration.ofSeconds(60)).getStatus().getVmid();
        VmView original = h.sim.cluster().vm(vmid).orElseThrow();
        policy("restore-source", "*-01-01 00:00", "tier", "restore", spec -> {});
        awaitStatus(
                "restore-source", s -> s.getSelectedVmids().contains(vmid), Duration.ofSeconds(30));
        annotate("restore-source", "before-delete");
        BackupPolicy backedUp =
                awaitStatus(
                        "restore-source",
                        s ->
                                s.getVms().stream()
                                        .anyMatch(
                                                v ->
                                                        v.getVmid() == vmid
                                                                && "restored".equals(v.getHaVm())),
                        Duration.ofSeconds(60));
        String volume = backedUp.getStatus().getVms().get(0).getVolume();

        h.client.resource(h.get("restored")).delete();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> h.get("restored") == null && h.sim.cluster().vm(vmid).isEmpty());

        h.havm(
                "restored",
                vm -> {
                    Source source = new Source();
                    BackupSource backup = new BackupSource();
                    backup.setPolicyRef(new ObjectRef("restore-source"));
                    source.setBackup(backup);
                    vm.getSpec().setSource(source);
                });
        HaVm back = h.awaitReady("restored", Duration.ofSeconds(90));
        VmView restored = h.sim.cluster().vm(back.getStatus().getVmid()).orElseThrow();
        for (String key : List.of("name", "memory", "cores", "net0", "ostype", "scsihw", "boot")) {
            assertThat(restored.config().get(key)).as(key).isEqualTo(original.config().get(key));
        }
        assertThat(restored.config().get("scsi0")).endsWith("size=4G");
        assertThat(h.sim.cluster().tasks())
                .anySatisfy(
                        t -> {
                            assertThat(t.type()).isEqualTo("qmrestore");
                            assertThat(t.log())
                                    .anySatisfy(
                                            l ->
                                                    assertThat(l)
                                                            .contains(
                                                                    volume.substring(
                                                                            volume.indexOf('/')
                                                                                    + 1)));
                        });
    }

    @Test
    void restoringOverAnExistingVmNeedsTheAnnotation() {
        h.sim.cluster()
                .createVm(
                        "pve2",
                        880,
                        Map.of(
                                "name",
                                "legacy",
                                "memory",
                                "2048",
                                "cores",
                                "2",
                                "scsi0",
                                "local-lvm:2",
                                "net0",
                                "virtio,bridge=vmbr0"));
        String upid =
                new PveBackupApi(admin)
                        .vzdump("pve2", Map.of("vmid", 880, "storage", "local"))
                        .orElseThrow()
                        .value();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !h.sim.cluster().task(upid).orElseThrow().running());
        String volume =
                "local:"
                        + h.sim.cluster().tasks().stream()
                                .filter(t -> t.upid().equals(upid))
                                .findFirst()
                                .orElseThrow()
                                .log()
                                .stream()
                                .filter(l -> l.startsWith("INFO: creating vzdump archive"))
                                .map(
                                        l ->
                                                "backup/"
                                                        + l.substring(
                                                                l.lastIndexOf('/') + 1,
                                                                l.length() - 1))
                                .findFirst()
                                .orElseThrow();

        h.havm(
                "legacy",
                vm -> {
                    vm.getSpec().setVmid(880);
                    Source source = new Source();
                    BackupSource backup = new BackupSource();
                    backup.setVolume(volume);
                    source.setBackup(backup);
                    vm.getSpec().setSource(source);
                });
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                h.condition(HaVm.class, "legacy", Conditions.READY)
                                        .filter(
                                                c ->
                                                        c.getMessage()
                                                                .contains(
                                                                        Pveha
                                                                                .ANNOTATION_RESTORE_OVER_EXISTING))
                                        .isPresent());
        assertThat(h.sim.cluster().tasks())
                .noneMatch(t -> t.type().equals("qmrestore") && t.id().equals("880"));

        h.client
                .resources(HaVm.class)
                .inNamespace(SimHarness.NS)
                .withName("legacy")
                .patch(
                        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                        "{\"metadata\":{\"annotations\":{\""
                                + Pveha.ANNOTATION_RESTORE_OVER_EXISTING
                                + "\":\"true\"}}}");
        HaVm restored = h.awaitReady("legacy", Duration.ofSeconds(90));
        assertThat(h.sim.cluster().tasks())
                .anyMatch(
                        t ->
                                t.type().equals("qmrestore")
                                        && t.id().equals("880")
                                        && "OK".equals(t.exitStatus()));
        VmView vm = h.sim.cluster().vm(880).orElseThrow();
        assertThat(vm.config().get("tags"))
                .as("owned after the restore")
                .contains(io.pveha.reconciler.vm.Ownership.ownerTag(restored));
        assertThat(vm.config()).containsEntry("cores", "2");
    }

    @Tag("extended") // a measurement (the figure is in docs/backups.md); -Pextended
    @Test
    void aSteadyPolicyCostsTwoCallsPerPass() throws InterruptedException {
        labelledVm("steady", "tier", "steady");
        int vmid = h.awaitReady("steady", Duration.ofSeconds(60)).getStatus().getVmid();
        policy("steady", "*-01-01 00:00", "tier", "steady", spec -> {});
        awaitStatus(
                "steady",
                s ->
                        s.getSelectedVmids().contains(vmid)
                                && s.getJobId() != null
                                && s.getNextRun() != null
                                && Conditions.isTrue(s.getConditions(), Conditions.READY),
                Duration.ofSeconds(30));
        // Not an assertion: the passes that followed the last change settle before the measured
        // window opens.
        Thread.sleep(2000);
        long policies =
                h.client
                        .resources(BackupPolicy.class)
                        .inNamespace(SimHarness.NS)
                        .list()
                        .getItems()
                        .size();
        h.sim.requestStats().reset();
        long seconds = 10;
        // Not an assertion: the measured window; the calls counted in it are the measurement.
        Thread.sleep(seconds * 1000);
        Map<String, Long> calls = h.sim.requestStats().snapshot();
        long jobLists = calls.getOrDefault("GET /cluster/backup", 0L);
        long contentLists = calls.getOrDefault("GET /nodes/{node}/storage/{storage}/content", 0L);
        long taskLists = calls.getOrDefault("GET /cluster/tasks", 0L);
        long taskReads =
                calls.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("GET /nodes/{node}/tasks/"))
                        .mapToLong(Map.Entry::getValue)
                        .sum();
        long writes =
                calls.entrySet().stream()
                        .filter(e -> !e.getKey().startsWith("GET "))
                        .mapToLong(Map.Entry::getValue)
                        .sum();
        double passesPerPolicyAndSecond = jobLists / (double) policies / seconds;
        double callsPerPass = (jobLists + contentLists + taskLists + taskReads) / (double) jobLists;
        System.out.printf(
                "PVE calls in %d s with %d policies (poll interval 1 s): %s%n  -> %.2f passes per policy per"
                        + " second, %.2f backup calls per pass%n",
                seconds, policies, calls, passesPerPolicyAndSecond, callsPerPass);
        assertThat(jobLists).as("policies keep reconciling").isGreaterThanOrEqualTo(policies * 3);
        // A pass may straddle the start or end of the window: one call per policy either way.
        assertThat(contentLists)
                .as("one content list per pass")
                .isBetween(jobLists - policies, jobLists + policies);
        assertThat(taskLists)
                .as(
                        "no task list of the policies' own: a poll lists tasks only while a run or drill is in flight")
                .isLessThan(policies);
        assertThat(taskReads).as("no task status or log read in the steady state").isZero();
        assertThat(callsPerPass)
                .as("two calls per pass: the job list and the backup list")
                .isLessThan(2.5);
        assertThat(passesPerPolicyAndSecond).as("about one pass per poll interval").isLessThan(2.0);
        assertThat(writes).as("a steady policy changes nothing").isZero();
    }

    @Test
    void aRestoreDrillPassesWithDisconnectedNicsAndLeavesNothingBehind()
            throws InterruptedException {
        labelledVm("drill-a", "tier", "drill");
        labelledVm("drill-b", "tier", "drill");
        int a = h.awaitReady("drill-a", Duration.ofSeconds(60)).getStatus().getVmid();
        int b = h.awaitReady("drill-b", Duration.ofSeconds(60)).getStatus().getVmid();
        policy(
                "drilled",
                "*-01-01 00:00",
                "tier",
                "drill",
                spec -> spec.setDrill(new BackupPolicySpec.Drill()));
        awaitStatus(
                "drilled",
                s -> s.getSelectedVmids().containsAll(List.of(a, b)),
                Duration.ofSeconds(30));
        annotate("drilled", "before-drill");
        awaitStatus("drilled", s -> s.getVms().size() == 2, Duration.ofSeconds(60));
        VmView originalA = h.sim.cluster().vm(a).orElseThrow();
        VmView originalB = h.sim.cluster().vm(b).orElseThrow();

        // Watches the simulator while the drill runs: every running scratch VM's config as it ran.
        Map<Integer, VmView> seenRunning = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicBoolean watching =
                new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread watcher =
                new Thread(
                        () -> {
                            while (watching.get()) {
                                h.sim.cluster().vms().stream()
                                        .filter(
                                                v ->
                                                        v.running()
                                                                && v.vmid() != a
                                                                && v.vmid() != b
                                                                && String.valueOf(
                                                                                v.config()
                                                                                        .get(
                                                                                                "tags"))
                                                                        .contains(
                                                                                BackupPolicyPlanner
                                                                                        .TAG))
                                        .forEach(v -> seenRunning.put(v.vmid(), v));
                                try {
                                    Thread.sleep(
                                            20); // the watcher's sampling period while the drill
                                    // runs, not an assertion
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        });
        watcher.start();
        BackupPolicy drilled;
        try {
            annotateDrill("drilled", "first");
            drilled =
                    awaitStatus(
                            "drilled",
                            s ->
                                    s.getDrill() != null
                                            && "first".equals(s.getDrill().getHandledDrillNow())
                                            && s.getDrill().getFinishedAt() != null,
                            Duration.ofSeconds(60));
        } finally {
            watching.set(false);
            watcher.join();
        }
        BackupPolicyStatus.DrillStatus drill = drilled.getStatus().getDrill();
        assertThat(drill.getResult()).as(drill.getMessage()).isEqualTo("passed");
        assertThat(drill.getTrigger()).isEqualTo("on-demand");
        assertThat(drill.getVms())
                .hasSize(2)
                .allSatisfy(
                        vm -> {
                            assertThat(vm.getResult()).as(vm.getReason()).isEqualTo("Passed");
                            assertThat(vm.getPhase()).isEqualTo("Done");
                            assertThat(vm.getScratchVmid()).isNotIn(a, b);
                            assertThat(vm.getStartedAt()).isNotNull();
                            assertThat(vm.getFinishedAt()).isNotNull();
                            assertThat(h.sim.cluster().vm(vm.getScratchVmid()))
                                    .as("scratch VM destroyed")
                                    .isEmpty();
                            assertThat(vm.getVolume())
                                    .startsWith(
                                            STORAGE + ":backup/vzdump-qemu-" + vm.getVmid() + "-");
                        });
        assertThat(drill.getVms())
                .extracting(BackupPolicyStatus.DrillVm::getHaVm)
                .containsExactlyInAnyOrder("drill-a", "drill-b");
        assertThat(
                        Conditions.find(
                                drilled.getStatus().getConditions(),
                                BackupPolicyStatusBuilder.DRILL_SUCCEEDED))
                .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));

        // Each scratch VM ran disconnected, with new MACs, no onboot, and the drill's marks.
        for (BackupPolicyStatus.DrillVm vm : drill.getVms()) {
            VmView ran = seenRunning.get(vm.getScratchVmid());
            assertThat(ran)
                    .as("scratch VM " + vm.getScratchVmid() + " was seen running")
                    .isNotNull();
            VmView original = vm.getVmid() == a ? originalA : originalB;
            List<String> nics =
                    ran.config().keySet().stream().filter(k -> k.matches("net\\d+")).toList();
            assertThat(nics).isNotEmpty();
            for (String nic : nics) {
                assertThat(ran.config().get(nic)).contains("link_down=1");
                assertThat(mac(ran.config().get(nic)))
                        .isNotEqualTo(mac(original.config().get(nic)));
            }
            assertThat(ran.config()).doesNotContainKey("onboot");
            assertThat(ran.config().get("description"))
                    .contains(BackupPolicyPlanner.MARKER + drilled.getMetadata().getUid());
        }
        // The originals are untouched.
        assertThat(h.sim.cluster().vm(a).orElseThrow().config()).isEqualTo(originalA.config());
        assertThat(h.sim.cluster().vm(b).orElseThrow().config()).isEqualTo(originalB.config());
        assertThat(h.sim.cluster().vm(a).orElseThrow().status()).isEqualTo(originalA.status());
        assertThat(events("drilled"))
                .filteredOn(e -> "DrillPassed".equals(e.getReason()))
                .hasSize(2);
    }

    @Test
    void aCorruptedBackupFailsTheDrillWithTheReasonAndLeavesNoScratchVm() {
        String volume = policyWithOneBackup("drill-bad").getStatus().getVms().get(0).getVolume();
        h.sim.faults().corruptBackup(volume, null);

        annotateDrill("drill-bad", "first");
        BackupPolicy failed =
                awaitStatus(
                        "drill-bad",
                        s ->
                                s.getDrill() != null
                                        && "first".equals(s.getDrill().getHandledDrillNow())
                                        && s.getDrill().getFinishedAt() != null,
                        Duration.ofSeconds(60));
        BackupPolicyStatus.DrillStatus drill = failed.getStatus().getDrill();
        assertThat(drill.getResult()).isEqualTo("failed");
        BackupPolicyStatus.DrillVm vm = drill.getVms().get(0);
        assertThat(vm.getResult()).isEqualTo("Failed");
        assertThat(vm.getReason())
                .contains("restoring " + volume + " failed")
                .contains("exit code 133");
        assertThat(drill.getMessage()).contains("0 of 1").contains(volume);
        assertThat(h.sim.cluster().vm(vm.getScratchVmid())).as("no scratch VM left").isEmpty();
        assertThat(h.sim.cluster().vms())
                .noneMatch(
                        v ->
                                String.valueOf(v.config().get("tags"))
                                        .contains(BackupPolicyPlanner.TAG));
        assertThat(
                        Conditions.find(
                                failed.getStatus().getConditions(),
                                BackupPolicyStatusBuilder.DRILL_SUCCEEDED))
                .hasValueSatisfying(
                        c -> {
                            assertThat(c.getStatus()).isEqualTo("False");
                            assertThat(c.getMessage()).contains(volume);
                        });
        assertThat(h.readyReason(BackupPolicy.class, "drill-bad"))
                .as("Ready is about the job")
                .contains("Ready");
        assertThat(events("drill-bad"))
                .anySatisfy(
                        e -> {
                            assertThat(e.getReason()).isEqualTo("DrillFailed");
                            assertThat(e.getType()).isEqualTo("Warning");
                            assertThat(e.getMessage()).contains(volume).contains("exit code 133");
                        });
    }

    @Test
    void aDrillInterruptedByAnOperatorRestartResumesWithoutRestoringTwiceOrLeavingItsScratchVm() {
        policyWithOneBackup("drill-restart");

        annotateDrill("drill-restart", "first");
        BackupPolicy started =
                awaitStatus(
                        "drill-restart",
                        s ->
                                s.getDrill() != null
                                        && !s.getDrill().getVms().isEmpty()
                                        && s.getDrill().getVms().get(0).getScratchVmid() != null,
                        Duration.ofSeconds(30));
        int scratch = started.getStatus().getDrill().getVms().get(0).getScratchVmid();
        h.stopOperator();
        try {
            // The restore (or whatever step was in flight) goes on in PVE while no operator runs.
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () ->
                                    h.sim.cluster().tasks().stream()
                                            .filter(t -> t.id().equals(String.valueOf(scratch)))
                                            .noneMatch(TaskView::running));
        } finally {
            h.startOperator();
        }
        BackupPolicy done =
                awaitStatus(
                        "drill-restart",
                        s -> s.getDrill().getFinishedAt() != null,
                        Duration.ofSeconds(60));
        BackupPolicyStatus.DrillVm vm = done.getStatus().getDrill().getVms().get(0);
        assertThat(vm.getResult()).as(vm.getReason()).isEqualTo("Passed");
        assertThat(vm.getScratchVmid()).isEqualTo(scratch);
        assertThat(h.sim.cluster().tasks())
                .filteredOn(
                        t -> t.type().equals("qmrestore") && t.id().equals(String.valueOf(scratch)))
                .as("restored once")
                .hasSize(1);
        assertThat(h.sim.cluster().vm(scratch)).as("scratch VM destroyed").isEmpty();
    }

    @Tag("extended") // an edge case of the drill; -Pextended
    @Test
    void deletingThePolicyDuringADrillDestroysItsScratchVmFirst() {
        policyWithOneBackup("drill-deleted");
        annotateDrill("drill-deleted", "first");
        BackupPolicy started =
                awaitStatus(
                        "drill-deleted",
                        s ->
                                s.getDrill() != null
                                        && !s.getDrill().getVms().isEmpty()
                                        && s.getDrill().getVms().get(0).getScratchVmid() != null,
                        Duration.ofSeconds(30));
        int scratch = started.getStatus().getDrill().getVms().get(0).getScratchVmid();
        h.client.resource(started).delete();
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                h.client
                                                .resources(BackupPolicy.class)
                                                .inNamespace(SimHarness.NS)
                                                .withName("drill-deleted")
                                                .get()
                                        == null);
        assertThat(h.sim.cluster().vm(scratch))
                .as("scratch VM destroyed before the policy went")
                .isEmpty();
        assertThat(h.sim.cluster().tasks())
                .filteredOn(t -> t.id().equals(String.valueOf(scratch)))
                .as("restored, then destroyed by the deletion")
                .extracting(TaskView::type)
                .contains("qmrestore", "qmdestroy");
    }

    // ---------------------------------------------------------------- helpers

    static Source template(int vmid) {
        Source source = new Source();
        TemplateSource t = new TemplateSource();
        t.setVmid(vmid);
        source.setTemplate(t);
        return source;
    }

    private static void labelledVm(String name, String label, String value) {
        h.havm(
                name,
                vm -> {
                    vm.getMetadata().setLabels(Map.of(label, value));
                    vm.getSpec().setSource(template(TEMPLATE));
                });
    }

    private static void policy(
            String name,
            String schedule,
            String label,
            String value,
            Consumer<BackupPolicySpec> customise) {
        BackupPolicy policy = new BackupPolicy();
        policy.getMetadata().setName(name);
        policy.getMetadata().setNamespace(SimHarness.NS);
        BackupPolicySpec spec = new BackupPolicySpec();
        spec.setClusterRef(new ObjectRef(SimHarness.CLUSTER));
        spec.setSchedule(schedule);
        BackupPolicySpec.Selection selection = new BackupPolicySpec.Selection();
        LabelSelector selector = new LabelSelector();
        selector.setMatchLabels(Map.of(label, value));
        selection.setHaVmSelector(selector);
        spec.setSelection(selection);
        BackupPolicySpec.BackupStorage storage = new BackupPolicySpec.BackupStorage();
        storage.setName(STORAGE);
        BackupPolicySpec.Nfs nfs = new BackupPolicySpec.Nfs();
        nfs.setServer("10.20.0.50");
        nfs.setExport("/srv/backup/pve");
        storage.setNfs(nfs);
        spec.setStorage(storage);
        spec.setRetention(new BackupPolicySpec.Retention());
        spec.getRetention().setKeepLast(3);
        customise.accept(spec);
        policy.setSpec(spec);
        h.client.resource(policy).create();
    }

    private static void annotate(String policy, String token) {
        // A merge patch of the annotation only: the operator writes status meanwhile.
        h.client
                .resources(BackupPolicy.class)
                .inNamespace(SimHarness.NS)
                .withName(policy)
                .patch(
                        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                        "{\"metadata\":{\"annotations\":{\""
                                + Pveha.ANNOTATION_BACKUP_NOW
                                + "\":\""
                                + token
                                + "\"}}}");
    }

    /** A HaVm, a policy selecting only it (no drill schedule), and one on-demand backup of it. */
    private static BackupPolicy policyWithOneBackup(String name) {
        labelledVm(name, "tier", name);
        int vmid = h.awaitReady(name, Duration.ofSeconds(60)).getStatus().getVmid();
        policy(name, "*-01-01 00:00", "tier", name, spec -> {});
        awaitStatus(name, s -> s.getSelectedVmids().contains(vmid), Duration.ofSeconds(30));
        annotate(name, "before-drill");
        return awaitStatus(name, s -> s.getVms().size() == 1, Duration.ofSeconds(60));
    }

    private static void annotateDrill(String policy, String token) {
        h.client
                .resources(BackupPolicy.class)
                .inNamespace(SimHarness.NS)
                .withName(policy)
                .patch(
                        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                        "{\"metadata\":{\"annotations\":{\""
                                + Pveha.ANNOTATION_DRILL_NOW
                                + "\":\""
                                + token
                                + "\"}}}");
    }

    private static String mac(String net) {
        return java.util.Arrays.stream(net.split(","))
                .filter(
                        o ->
                                o.contains("=")
                                        && o.split("=")[1].matches(
                                                "([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}"))
                .findFirst()
                .orElse(net);
    }

    private static BackupPolicy awaitStatus(
            String name, Predicate<BackupPolicyStatus> condition, Duration atMost) {
        try {
            await().atMost(atMost)
                    .pollInterval(Duration.ofMillis(250))
                    .until(
                            () -> {
                                BackupPolicy p =
                                        h.client
                                                .resources(BackupPolicy.class)
                                                .inNamespace(SimHarness.NS)
                                                .withName(name)
                                                .get();
                                return p != null
                                        && p.getStatus() != null
                                        && condition.test(p.getStatus());
                            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            BackupPolicy p =
                    h.client
                            .resources(BackupPolicy.class)
                            .inNamespace(SimHarness.NS)
                            .withName(name)
                            .get();
            throw new AssertionError(
                    "BackupPolicy "
                            + name
                            + " did not reach the expected status; it is "
                            + (p == null
                                    ? "gone"
                                    : h.client.getKubernetesSerialization().asJson(p.getStatus())),
                    e);
        }
        return h.client
                .resources(BackupPolicy.class)
                .inNamespace(SimHarness.NS)
                .withName(name)
                .get();
    }

    private static List<JsonNode> jobs() {
        return new PveBackupApi(admin).jobs();
    }

    private static JsonNode job(String id) {
        return jobs().stream()
                .filter(j -> id.equals(j.path("id").asText()))
                .findFirst()
                .orElseThrow();
    }

    private static List<JsonNode> backupsOf(int vmid) {
        List<JsonNode> result = new ArrayList<>();
        for (JsonNode b : new PveBackupApi(admin).backups("pve1", STORAGE)) {
            if (b.path("vmid").asInt() == vmid) {
                result.add(b);
            }
        }
        return result;
    }

    private static long vzdumpRunsOf(int vmid) {
        return h.sim.cluster().tasks().stream()
                .filter(t -> t.type().equals("vzdump") && !t.running())
                .filter(
                        t ->
                                t.log().stream()
                                        .anyMatch(
                                                l ->
                                                        l.startsWith(
                                                                "INFO: Finished Backup of VM "
                                                                        + vmid
                                                                        + " (")))
                .count();
    }

    private static List<Event> events(String name) {
        return h.client.v1().events().inNamespace(SimHarness.NS).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .toList();
    }
}
