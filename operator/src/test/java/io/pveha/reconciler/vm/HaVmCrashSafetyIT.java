package io.pveha.reconciler.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pveha.api.DeletionPolicy;
import io.pveha.api.PendingTask;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.api.vm.Source;
import io.pveha.api.vm.TemplateSource;
import io.pveha.pve.PveVmApi;
import io.pveha.pve.Upid;
import io.pveha.simulator.VmView;
import io.pveha.testing.SimHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Killing the operator at any point never creates a second VM nor orphans one. */
class HaVmCrashSafetyIT {
    static final int TEMPLATE = 9000;
    SimHarness h;

    @BeforeEach
    void start(TestInfo test) {
        // The restart mid-clone on a real kube-apiserver: the write-ahead record goes through its
        // status subresource, and the restarted operator reads it back from its watch, as in
        // production. The other cases on the embedded mock (each real server costs seconds).
        boolean real =
                test.getTestMethod()
                        .map(
                                m ->
                                        m.getName()
                                                .equals(
                                                        "restartingTheOperatorMidCloneFollowsTheSameTask"))
                        .orElse(false);
        h = real ? SimHarness.options().realApiServer().start() : new SimHarness();
        h.sim.cluster()
                .createTemplate(
                        "pve1",
                        TEMPLATE,
                        Map.of(
                                "name",
                                "tpl",
                                "memory",
                                "1024",
                                "scsi0",
                                "ceph-vm:32",
                                "net0",
                                "virtio,bridge=vmbr0"));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    static void fullClone(HaVm vm) {
        Source source = new Source();
        TemplateSource t = new TemplateSource();
        t.setVmid(TEMPLATE);
        t.setFull(true);
        source.setTemplate(t);
        vm.getSpec().setSource(source);
    }

    List<VmView> vmsNamed(String name) {
        return h.sim.cluster().vms().stream().filter(v -> name.equals(v.name())).toList();
    }

    @Test
    void restartingTheOperatorMidCloneFollowsTheSameTask() {
        // 32 GiB at 4 s/GiB: about 6 s of real time at the harness's 20x clock, long enough to stop
        // the operator mid-clone.
        var d = h.sim.taskDurations();
        h.sim.setTaskDurations(
                new io.pveha.simulator.tasks.TaskDurations(
                        d.create(),
                        d.config(),
                        d.start(),
                        d.stop(),
                        d.shutdown(),
                        d.reboot(),
                        d.linkedClone(),
                        Duration.ofSeconds(4),
                        d.template(),
                        d.migrate(),
                        d.migratePerGib(),
                        d.destroy(),
                        d.nodeBoot()));
        h.havm("slow-clone", HaVmCrashSafetyIT::fullClone);
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            HaVm vm = h.get("slow-clone");
                            return vm.getStatus() != null
                                    && vm.getStatus().getPendingTask() != null
                                    && vm.getStatus().getPendingTask().getUpid() != null;
                        });
        HaVmStatus during = h.get("slow-clone").getStatus();
        h.stopOperator();
        assertThat(h.sim.cluster().task(during.getPendingTask().getUpid()))
                .get()
                .matches(t -> t.running(), "still running");

        h.startOperator();
        HaVm ready = h.awaitReady("slow-clone", Duration.ofSeconds(60));

        assertThat(ready.getStatus().getVmid()).isEqualTo(during.getVmid());
        assertThat(vmsNamed("slow-clone")).hasSize(1);
        assertThat(h.sim.cluster().tasks().stream().filter(t -> t.type().equals("qmclone")))
                .hasSize(1);
    }

    @Test
    void anIntentWithoutATaskIdIsResolvedFromPvesTaskListNotRepeated() {
        // The state a crash leaves between "clone called" and "task id written": PVE has the task,
        // status only the intent.
        HaVm vm =
                h.havm(
                        "interrupted",
                        v -> {
                            fullClone(v);
                            v.getSpec().setVmid(4242);
                        });
        h.stopOperator();
        Map<String, Object> params =
                new LinkedHashMap<>(VmSpecMapping.cloneParams(vm, 4242, "pve1", null));
        Upid upid = new PveVmApi(h.pveAsAdmin()).cloneVm("pve1", TEMPLATE, params);
        HaVmStatus crashed = new HaVmStatus();
        crashed.setVmid(4242);
        PendingTask intent =
                new PendingTask(
                        "Clone",
                        "pve1",
                        "qmclone",
                        Integer.toString(TEMPLATE),
                        Instant.now().minusSeconds(1).toString());
        crashed.setPendingTask(intent);
        HaVm current = h.get("interrupted");
        current.setStatus(crashed);
        h.client.resource(current).updateStatus();

        h.startOperator();
        h.awaitReady("interrupted", Duration.ofSeconds(60));

        assertThat(vmsNamed("interrupted"))
                .singleElement()
                .extracting(VmView::vmid)
                .isEqualTo(4242);
        assertThat(
                        h.sim.cluster().tasks().stream()
                                .filter(t -> t.type().equals("qmclone"))
                                .map(t -> t.upid()))
                .containsExactly(upid.value());
    }

    @Test
    void restartingTheOperatorMidDeleteFinishesTheDeletion() {
        h.havm(
                "doomed",
                v -> {
                    fullClone(v);
                    v.getSpec().setDeletionPolicy(DeletionPolicy.Delete);
                });
        int vmid = h.awaitReady("doomed", Duration.ofSeconds(60)).getStatus().getVmid();
        h.client.resource(h.get("doomed")).delete();
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            HaVm vm = h.get("doomed");
                            return vm != null
                                    && vm.getStatus().getPendingTask() != null
                                    && vm.getStatus().getPendingTask().getUpid() != null;
                        });
        h.stopOperator();
        h.startOperator();

        await().atMost(Duration.ofSeconds(60)).until(() -> h.get("doomed") == null);
        assertThat(h.sim.cluster().vm(vmid)).isEmpty();
    }

    @Test
    void manyVmsCreatedAtOnceWithARestartGetDistinctVmidsAndNoDuplicates() {
        int count = 12;
        for (int i = 0; i < count; i++) {
            h.havm(
                    "store-" + i,
                    v -> {
                        Source source = new Source();
                        TemplateSource t = new TemplateSource();
                        t.setVmid(TEMPLATE);
                        source.setTemplate(t);
                        v.getSpec().setSource(source);
                    });
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> h.sim.cluster().vms().size() >= 1 + count / 2);
        h.stopOperator();
        h.startOperator();

        List<Integer> vmids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            vmids.add(h.awaitReady("store-" + i, Duration.ofSeconds(90)).getStatus().getVmid());
        }
        assertThat(Set.copyOf(vmids)).hasSize(count);
        Map<String, Long> byName =
                h.sim.cluster().vms().stream()
                        .filter(v -> v.name().startsWith("store-"))
                        .collect(Collectors.groupingBy(VmView::name, Collectors.counting()));
        assertThat(byName)
                .hasSize(count)
                .allSatisfy((name, n) -> assertThat(n).as(name).isEqualTo(1L));

        // Restarted with every VM in sync: no storm of configuration reads. The first drift
        // checks are spread over 30 simulated minutes; 5 real seconds are 100 simulated here.
        for (int i = 0; i < count; i++) {
            String name = "store-" + i;
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    h.condition(HaVm.class, name, "InSync")
                                            .map(c -> "True".equals(c.getStatus()))
                                            .orElse(false));
        }
        h.stopOperator();
        h.sim.requestStats().reset();
        h.startOperator();
        await().pollDelay(Duration.ofSeconds(5)).until(() -> true);
        long reads =
                h.sim.requestStats().snapshot().entrySet().stream()
                        .filter(
                                e ->
                                        e.getKey().startsWith("GET /nodes/")
                                                && (e.getKey().endsWith("/config")
                                                        || e.getKey().endsWith("/pending")))
                        .mapToLong(Map.Entry::getValue)
                        .sum();
        System.out.printf(
                "after a restart with %d VMs in sync: %d config/pending reads in 5 s, all calls %s%n",
                count, reads, h.sim.requestStats().snapshot());
        assertThat(reads).as("config and pending reads in the first 5 s").isLessThanOrEqualTo(4);
    }
}
