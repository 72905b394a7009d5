package io.pveha.simulator.api.routes;

import com.fasterxml.jackson.core.JsonGenerator;
import io.pveha.simulator.model.ClusterState;
import io.pveha.simulator.model.Drive;
import io.pveha.simulator.model.NodeState;
import io.pveha.simulator.model.PropertyString;
import io.pveha.simulator.model.PveRelease;
import io.pveha.simulator.model.StoragePool;
import io.pveha.simulator.model.VmConfigSchema;
import io.pveha.simulator.model.VmState;
import io.pveha.simulator.ops.GuestHooks;
import io.pveha.simulator.ops.OpsSupport;
import io.pveha.simulator.tasks.Task;
import io.pveha.simulator.tasks.Upid;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * How the simulated state looks in API answers: the field sets and JSON types of qemu-server's
 * {@code vmstatus}, pve-manager's {@code extract_*_stats} and the task endpoints. Usage figures of
 * running guests and nodes are derived deterministically from VMID and uptime, so answers are
 * stable.
 */
final class Views {
    private Views() {}

    /**
     * {@code GET /version} and {@code GET /nodes/{node}/version}: the release of the node that
     * answers.
     */
    static Map<String, Object> version(PveRelease release) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("version", release.version());
        data.put("release", release.release());
        data.put("repoid", release.repoid());
        return data;
    }

    /** Usage figures of a guest, derived from VMID and uptime so answers are stable. */
    private record Usage(
            boolean running,
            long uptime,
            int cpus,
            long maxmem,
            long mem,
            long maxdisk,
            long netin,
            long netout,
            long diskread,
            long diskwrite,
            double cpu) {

        static Usage of(VmState vm, NodeState node, long nowMillis) {
            boolean running = vm.running();
            long uptime = running ? Math.max(0, (nowMillis - vm.startedAtMillis()) / 1000) : 0;
            return new Usage(
                    running,
                    uptime,
                    Math.min(vm.cpus(), node.cpus()),
                    vm.memoryBytes(),
                    running ? memoryInUse(vm.vmid(), vm.memoryBytes()) : 0,
                    vm.bootDiskSize(),
                    running ? uptime * (2_000 + (vm.vmid() % 97) * 31L) : 0,
                    running ? uptime * (700 + (vm.vmid() % 89) * 13L) : 0,
                    running ? 180_000_000L + uptime * 4_096 : 0,
                    running ? 40_000_000L + uptime * 2_048 : 0,
                    running ? cpuLoad(vm) : 0);
        }
    }

    /** {@code GET /nodes/{node}/qemu} entry ({@code vmstatus}). */
    static Map<String, Object> vmListEntry(VmState vm, NodeState node, long nowMillis) {
        Usage u = Usage.of(vm, node, nowMillis);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("vmid", vm.vmid());
        d.put("status", u.running() ? "running" : "stopped");
        d.put("name", vm.name());
        d.put("cpus", u.cpus());
        d.put("maxmem", u.maxmem());
        d.put("mem", u.mem());
        d.put("maxdisk", u.maxdisk());
        d.put("disk", 0);
        d.put("netin", u.netin());
        d.put("netout", u.netout());
        d.put("diskread", u.diskread());
        d.put("diskwrite", u.diskwrite());
        d.put("uptime", u.uptime());
        d.put("cpu", u.cpu());
        if (u.running()) {
            d.put("pid", vm.pid());
        }
        if (vm.isTemplate()) {
            d.put("template", 1);
        }
        vm.lock().ifPresent(lock -> d.put("lock", lock));
        vm.get("tags").ifPresent(tags -> d.put("tags", tags));
        return d;
    }

    /** {@code GET .../status/current}: the list entry plus QMP, balloon and HA details. */
    static Map<String, Object> vmStatus(
            VmState vm, NodeState node, long nowMillis, List<GuestHooks> hooks) {
        Map<String, Object> d = vmListEntry(vm, node, nowMillis);
        boolean running = vm.running();
        d.put("qmpstatus", running ? "running" : "stopped");
        d.put("ha", haStatus(vm.vmid(), hooks));
        if (vm.get("balloon").isPresent()) {
            long balloonMin = Long.parseLong(vm.get("balloon").get()) << 20;
            d.put("balloon_min", balloonMin);
            d.put("shares", Integer.parseInt(vm.get("shares").orElse("1000")));
        }
        if (isAgentEnabled(vm)) {
            d.put("agent", 1);
        }
        if (running) {
            long maxmem = vm.memoryBytes();
            long used = memoryInUse(vm.vmid(), maxmem);
            d.put("running-machine", OpsSupport.MACHINE);
            d.put("running-qemu", OpsSupport.QEMU_VERSION);
            d.put("balloon", maxmem);
            d.put("freemem", maxmem - used);
            Map<String, Object> ballooninfo = new LinkedHashMap<>();
            ballooninfo.put("actual", maxmem);
            ballooninfo.put("max_mem", maxmem);
            ballooninfo.put("total_mem", maxmem - (64L << 20));
            ballooninfo.put("free_mem", maxmem - used);
            ballooninfo.put("mem_swapped_in", 0);
            ballooninfo.put("mem_swapped_out", 0);
            ballooninfo.put("major_page_faults", 1_811);
            ballooninfo.put("minor_page_faults", 3_803_793);
            ballooninfo.put("last_update", nowMillis / 1000);
            d.put("ballooninfo", ballooninfo);
            d.put("blockstat", blockstat(vm, (Long) d.get("diskread"), (Long) d.get("diskwrite")));
            d.put("nics", nics(vm, (Long) d.get("netin"), (Long) d.get("netout")));
            Map<String, Object> support = new LinkedHashMap<>();
            support.put("pbs-dirty-bitmap", true);
            support.put("pbs-dirty-bitmap-migration", true);
            support.put("pbs-dirty-bitmap-savevm", true);
            support.put("pbs-masterkey", true);
            support.put("query-bitmap-info", true);
            support.put("backup-max-workers", true);
            support.put("pbs-library-version", "1.5.1 (UNKNOWN)");
            d.put("proxmox-support", support);
        }
        return d;
    }

    static Map<String, Object> haStatus(int vmid, List<GuestHooks> hooks) {
        for (GuestHooks hook : hooks) {
            Optional<Map<String, Object>> status = hook.haStatus(vmid);
            if (status.isPresent()) {
                return status.get();
            }
        }
        return Map.of("managed", 0);
    }

    /**
     * Writes the {@code /cluster/resources} guest entry ({@code extract_vm_stats}) straight to
     * JSON: with thousands of guests, building maps first costs more than the rest of the answer.
     * For a guest on an unreachable node the last reported state is kept until it is five minutes
     * old; then only the identity remains. {@code memhost}: the answering node and the guest's node
     * run PVE 9 (the field comes from PVE 9's RRD format).
     */
    static void writeVmResource(
            JsonGenerator g,
            VmState vm,
            NodeState node,
            long nowMillis,
            boolean stale,
            boolean memhost,
            List<GuestHooks> hooks)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("id", "qemu/" + vm.vmidText());
        g.writeNumberField("vmid", vm.vmid());
        g.writeStringField("node", vm.node());
        g.writeStringField("type", "qemu");
        if (stale) {
            g.writeStringField("status", "unknown");
        } else {
            Usage u = Usage.of(vm, node, nowMillis);
            boolean running = vm.reportedRunning().orElse(u.running());
            g.writeNumberField("uptime", u.uptime());
            g.writeStringField("name", vm.name());
            g.writeStringField("status", running ? "running" : "stopped");
            g.writeNumberField("template", vm.isTemplate() ? 1 : 0);
            g.writeNumberField("maxcpu", u.cpus());
            g.writeNumberField("cpu", u.cpu());
            g.writeNumberField("maxmem", u.maxmem());
            g.writeNumberField("mem", u.mem());
            g.writeNumberField("maxdisk", u.maxdisk());
            g.writeNumberField("disk", 0);
            g.writeNumberField("netin", u.netin());
            g.writeNumberField("netout", u.netout());
            g.writeNumberField("diskread", u.diskread());
            g.writeNumberField("diskwrite", u.diskwrite());
            if (memhost) {
                // PVE 9's pvestatd also reports the memory the host sees used (QEMU's own
                // overhead included); 0 when stopped.
                g.writeNumberField("memhost", running ? u.mem() + (u.maxmem() >> 5) : 0);
            }
        }
        Optional<String> lock = vm.lock();
        if (lock.isPresent()) {
            g.writeStringField("lock", lock.get());
        }
        Optional<String> tags = vm.get("tags");
        if (tags.isPresent()) {
            g.writeStringField("tags", tags.get());
        }
        for (GuestHooks hook : hooks) {
            Optional<String> state = hook.haState(vm.vmid());
            if (state.isPresent()) {
                g.writeStringField("hastate", state.get());
                break;
            }
        }
        g.writeEndObject();
    }

    /** Node entry of {@code /nodes} and {@code /cluster/resources} ({@code extract_node_stats}). */
    static Map<String, Object> nodeResource(
            NodeState node, ClusterState.NodeLoad load, boolean stale, long nowMillis) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", "node/" + node.name());
        e.put("node", node.name());
        e.put("type", "node");
        e.put("status", node.online() ? "online" : "offline");
        if (!stale) {
            if (node.online()) {
                e.put("uptime", Math.max(0, (nowMillis - node.bootedAtMillis()) / 1000));
                e.put("cpu", Math.min(1.0, (10 + load.runningGuests() * 4) / 1000.0));
                e.put("mem", load.memoryUsed());
                e.put("disk", node.rootfsUsed());
            }
            e.put("level", "");
            e.put("maxcpu", node.cpus());
            e.put("maxmem", node.memoryTotal());
            e.put("maxdisk", node.rootfsTotal());
        }
        e.put("cgroup-mode", 2);
        return e;
    }

    /** Storage entry of {@code /cluster/resources}: one per node where the storage is enabled. */
    static Map<String, Object> storageResource(StoragePool pool, NodeState node, boolean stale) {
        Map<String, Object> e = new LinkedHashMap<>();
        String id = pool.definition().id();
        e.put("id", "storage/" + node.name() + "/" + id);
        e.put("storage", id);
        e.put("node", node.name());
        e.put("type", "storage");
        e.put("plugintype", pool.definition().type().pluginType());
        e.put("status", stale ? "unknown" : "available");
        e.put("shared", pool.definition().shared() ? 1 : 0);
        e.put("content", String.join(",", pool.definition().content()));
        if (!stale) {
            e.put("maxdisk", pool.total());
            e.put("disk", pool.used());
        }
        return e;
    }

    /** {@code GET /nodes/{node}/storage} entry ({@code storage_info}). */
    static Map<String, Object> nodeStorage(StoragePool pool) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("storage", pool.definition().id());
        e.put("type", pool.definition().type().pluginType());
        e.put("content", String.join(",", pool.definition().content()));
        e.put("shared", pool.definition().shared() ? 1 : 0);
        e.put("enabled", 1);
        // storage_info reports an unreachable storage as inactive with no space figures.
        boolean online = pool.online();
        e.put("active", online ? 1 : 0);
        e.put("total", online ? pool.total() : 0);
        e.put("used", online ? pool.used() : 0);
        e.put("avail", online ? pool.avail() : 0);
        e.put(
                "used_fraction",
                !online || pool.total() == 0 ? 0.0 : pool.used() / (double) pool.total());
        return e;
    }

    /**
     * {@code GET .../config}: the config (with pending values unless {@code current}) typed as PVE
     * types it, plus the file's {@code digest}; the cloud-init password is masked.
     */
    static Map<String, Object> config(VmState vm, boolean current) {
        SortedMap<String, String> values = current ? vm.config() : vm.configWithPending();
        Map<String, Object> result = new LinkedHashMap<>();
        values.forEach((key, value) -> result.put(key, typed(key, value)));
        if (result.containsKey("cipassword")) {
            result.put("cipassword", "**********");
        }
        result.put("digest", vm.digest());
        return result;
    }

    /**
     * Booleans and integers are JSON numbers; numbers and strings stay strings, as PVE's config
     * parser leaves them.
     */
    static Object typed(String key, String value) {
        VmConfigSchema.Type type =
                VmConfigSchema.property(key)
                        .map(VmConfigSchema.Property::type)
                        .orElse(VmConfigSchema.Type.STRING);
        if ((type == VmConfigSchema.Type.BOOLEAN || type == VmConfigSchema.Type.INTEGER)
                && value.matches("\\d+")) {
            return Long.parseLong(value);
        }
        return value;
    }

    /** {@code GET .../tasks/{upid}/status}. */
    static Map<String, Object> taskStatus(Task task) {
        Map<String, Object> d = taskBase(task.upid());
        d.put("upid", task.upidText());
        d.put("status", task.running() ? "running" : "stopped");
        if (!task.running()) {
            d.put("exitstatus", task.exitStatus());
        }
        return d;
    }

    /** Task list entry ({@code /nodes/{node}/tasks}, {@code /cluster/tasks}). */
    static Map<String, Object> taskListEntry(Task task) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("upid", task.upidText());
        d.putAll(taskBase(task.upid()));
        if (task.running()) {
            d.put("status", "RUNNING");
        } else {
            d.put("endtime", task.endTime());
            d.put("status", task.exitStatus());
        }
        return d;
    }

    /**
     * The UPID's fields as {@code upid_decode} returns them; a token user is split into user and
     * tokenid.
     */
    private static Map<String, Object> taskBase(Upid upid) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("node", upid.node());
        d.put("pid", upid.pid());
        d.put("pstart", upid.pstart());
        d.put("starttime", upid.starttime());
        d.put("type", upid.type());
        d.put("id", upid.id());
        int bang = upid.user().indexOf('!');
        if (bang < 0) {
            d.put("user", upid.user());
        } else {
            d.put("user", upid.user().substring(0, bang));
            d.put("tokenid", upid.user().substring(bang + 1));
        }
        return d;
    }

    private static boolean isAgentEnabled(VmState vm) {
        String agent = vm.get("agent").orElse(null);
        if (agent == null) {
            return false;
        }
        String enabled = PropertyString.parse(agent, "enabled").get("enabled");
        return "1".equals(enabled);
    }

    private static long memoryInUse(int vmid, long maxmem) {
        return (long) (maxmem * (0.35 + (vmid % 7) * 0.05));
    }

    private static double cpuLoad(VmState vm) {
        return (20 + (vm.vmid() % 13) * 10) / 2000.0;
    }

    private static Map<String, Object> blockstat(VmState vm, long read, long written) {
        Map<String, Object> stats = new LinkedHashMap<>();
        List<Drive> drives = vm.drives();
        for (Drive drive : drives) {
            boolean boot = drive.key().equals(drives.get(0).key());
            long reads = boot ? read : 0;
            long writes = boot ? written : 0;
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("rd_bytes", reads);
            s.put("wr_bytes", writes);
            s.put("rd_operations", reads / 4096);
            s.put("wr_operations", writes / 4096);
            s.put("flush_operations", writes / 65536);
            s.put("unmap_operations", 0);
            s.put("rd_total_time_ns", reads * 11);
            s.put("wr_total_time_ns", writes * 43);
            s.put("flush_total_time_ns", writes * 5);
            s.put("unmap_total_time_ns", 0);
            s.put("rd_merged", 0);
            s.put("wr_merged", 0);
            s.put("unmap_merged", 0);
            s.put("unmap_bytes", 0);
            s.put("wr_highest_offset", writes);
            s.put("idle_time_ns", 4_427_685_914L);
            for (String counter :
                    List.of(
                            "failed_rd_operations",
                            "failed_wr_operations",
                            "failed_flush_operations",
                            "failed_unmap_operations",
                            "invalid_rd_operations",
                            "invalid_wr_operations",
                            "invalid_flush_operations",
                            "invalid_unmap_operations")) {
                s.put(counter, 0);
            }
            s.put("account_failed", true);
            s.put("account_invalid", true);
            s.put("timed_stats", List.of());
            stats.put(drive.key(), s);
        }
        return stats;
    }

    private static Map<String, Object> nics(VmState vm, long netin, long netout) {
        Map<String, Object> nics = new LinkedHashMap<>();
        vm.config().keySet().stream()
                .filter(VmConfigSchema::isNet)
                .forEach(
                        key -> {
                            boolean first = nics.isEmpty();
                            Map<String, Object> counters = new LinkedHashMap<>();
                            counters.put("netin", first ? netin : 0);
                            counters.put("netout", first ? netout : 0);
                            nics.put("tap" + vm.vmid() + "i" + key.substring(3), counters);
                        });
        return nics;
    }
}
