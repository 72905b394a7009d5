package io.pveha.simulator.backup;

import io.pveha.simulator.clock.SimClock;
import io.pveha.simulator.model.NodeState;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.spi.ModuleContext;
import io.pveha.simulator.spi.SimulatorModule;
import io.pveha.simulator.tasks.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Backups: vzdump jobs ({@code /cluster/backup}) that fire on the simulated clock as {@code
 * pvescheduler} runs them, {@code POST /nodes/{node}/vzdump}, and the retention applied after each
 * backup. Installed by default. Restore is a qemu operation ({@code POST /nodes/{node}/qemu} with
 * {@code archive}). The public methods are what the API routes call: call them under the cluster
 * state lock.
 */
public final class BackupModule implements SimulatorModule {
    private final BackupJobs jobs = new BackupJobs();
    private final Map<String, SimClock.Cancellable> timers = new HashMap<>();
    private ModuleContext ctx;
    private Vzdump vzdump;

    @Override
    public void install(ModuleContext context) {
        this.ctx = context;
        this.vzdump = new Vzdump(context);
        BackupRoutes.register(context.router(), this);
    }

    // ---- jobs (call under the cluster state lock) ----------------------------------------------

    public List<Map<String, Object>> listJobs() {
        List<Map<String, Object>> result = new ArrayList<>();
        for (BackupJobs.Job job : jobs.all()) {
            result.add(jobs.json(job, nextRun(job).orElse(null)));
        }
        return result;
    }

    public Map<String, Object> job(String id) {
        return jobs.json(jobs.require(id), null);
    }

    public String createJob(Map<String, String> params) {
        BackupJobs.Job job = jobs.create(params);
        schedule(job);
        return job.id();
    }

    public void updateJob(String id, Map<String, String> params) {
        schedule(jobs.update(id, params));
    }

    public void deleteJob(String id) {
        jobs.delete(id);
        cancel(id);
    }

    /** When an enabled job runs next, as {@code next-run} reports it (epoch seconds). */
    public Optional<Long> nextRun(BackupJobs.Job job) {
        if (!job.enabled()) {
            return Optional.empty();
        }
        return CalendarEvent.parse(job.options().get("schedule"))
                .next(ctx.clock().nowEpochSeconds(), Vzdump.NODE_ZONE);
    }

    // ---- vzdump ------------------------------------------------------------------------------

    /**
     * {@code POST /nodes/{node}/vzdump}: the task backing up the selected guests of {@code node},
     * or empty when none of them is local (PVE then answers {@code "OK"}).
     */
    public Optional<Task> vzdumpNow(String node, String user, Map<String, String> params) {
        BackupJobs.verify(params, true);
        Vzdump.Request request = new Vzdump.Request(params);
        vzdump.checkStorage(request);
        List<Integer> local = vzdump.localSelection(node, request);
        if (local.isEmpty() && !"1".equals(params.get("all"))) {
            return Optional.empty();
        }
        return Optional.of(vzdump.start(node, user, local, request));
    }

    /**
     * Runs a job now, on every online node that has selected guests (what pvescheduler does when it
     * is due).
     */
    private List<Task> runJob(String id) {
        BackupJobs.Job job = jobs.require(id);
        Vzdump.Request request = new Vzdump.Request(job.options());
        List<Task> started = new ArrayList<>();
        for (NodeState node : ctx.state().nodes()) {
            String only = job.options().get("node");
            if (!node.online() || (only != null && !only.equals(node.name()))) {
                continue;
            }
            List<Integer> local = vzdump.localSelection(node.name(), request);
            if (local.isEmpty()) {
                continue;
            }
            try {
                vzdump.checkStorage(request);
                started.add(vzdump.start(node.name(), "root@pam", local, request));
            } catch (PveException e) {
                // pvescheduler logs this to the journal; the job simply does not run.
                continue;
            }
        }
        return started;
    }

    private void schedule(BackupJobs.Job job) {
        cancel(job.id());
        nextRun(job)
                .ifPresent(
                        at -> {
                            long delayMillis = Math.max(0, at * 1000 - ctx.clock().nowMillis());
                            timers.put(
                                    job.id(),
                                    ctx.clock()
                                            .schedule(
                                                    Duration.ofMillis(delayMillis),
                                                    () ->
                                                            ctx.state()
                                                                    .write(
                                                                            () -> {
                                                                                timers.remove(
                                                                                        job.id());
                                                                                if (jobs.find(
                                                                                                job
                                                                                                        .id())
                                                                                        .isEmpty()) {
                                                                                    return;
                                                                                }
                                                                                runJob(job.id());
                                                                                schedule(
                                                                                        jobs
                                                                                                .require(
                                                                                                        job
                                                                                                                .id()));
                                                                            })));
                        });
    }

    private void cancel(String id) {
        SimClock.Cancellable timer = timers.remove(id);
        if (timer != null) {
            timer.cancel();
        }
    }
}
