package io.pveha.simulator.api.routes;

import io.pveha.simulator.api.Access;
import io.pveha.simulator.api.ApiRequest;
import io.pveha.simulator.api.ApiResult;
import io.pveha.simulator.api.ParamSpec;
import io.pveha.simulator.api.Route;
import io.pveha.simulator.api.Router;
import io.pveha.simulator.model.ClusterState;
import io.pveha.simulator.model.NodeState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code /nodes}, {@code /nodes/{node}/status} and {@code /nodes/{node}/version}. */
public final class NodeRoutes {
    private static final String KERNEL_RELEASE = "6.8.12-9-pve";
    private static final String KERNEL_VERSION =
            "#1 SMP PREEMPT_DYNAMIC PMX 6.8.12-9 (2025-03-16T19:18Z)";

    private final RouteContext ctx;

    private NodeRoutes(RouteContext ctx) {
        this.ctx = ctx;
    }

    public static void register(Router router, RouteContext ctx) {
        NodeRoutes routes = new NodeRoutes(ctx);
        router.register(Route.get("/nodes").handler(routes::nodes));
        router.register(
                Route.get("/nodes/{node}/status")
                        .proxied()
                        .params(ParamSpec.create().node())
                        .access(Access.perm("/nodes/{node}", "Sys.Audit"))
                        .handler(routes::status));
        router.register(
                Route.get("/nodes/{node}/version")
                        .proxied()
                        .params(ParamSpec.create().node())
                        .handler(
                                r ->
                                        ApiResult.of(
                                                Views.version(
                                                        ctx.cluster().releaseOf(r.executedOn())))));
    }

    private ApiResult nodes(ApiRequest request) {
        ClusterState cluster = ctx.cluster();
        long now = ctx.clock().nowMillis();
        boolean audit = Access.has(request.auth(), "Sys.Audit");
        List<Map<String, Object>> result = new ArrayList<>();
        Map<String, ClusterState.NodeLoad> loads = cluster.nodeLoads();
        for (NodeState node : cluster.nodes()) {
            Map<String, Object> entry =
                    Views.nodeResource(
                            node, loads.get(node.name()), cluster.statusStale(node, now), now);
            entry.remove("cgroup-mode");
            if (!audit) {
                List.of("uptime", "cpu", "mem", "disk", "maxcpu", "maxmem", "maxdisk")
                        .forEach(entry::remove);
            }
            entry.put("ssl_fingerprint", ctx.tls().fingerprint(node.name()));
            result.add(entry);
        }
        return ApiResult.of(result);
    }

    private ApiResult status(ApiRequest request) {
        ClusterState cluster = ctx.cluster();
        NodeState node = cluster.requireNode(request.executedOn());
        long uptime = Math.max(0, (ctx.clock().nowMillis() - node.bootedAtMillis()) / 1000);
        long memUsed = cluster.memoryUsed(node.name());
        double load =
                Math.min(
                        node.cpus(),
                        0.1
                                + cluster.vmsOn(node.name()).stream()
                                                .filter(v -> v.running())
                                                .count()
                                        * 0.05);

        Map<String, Object> data = new LinkedHashMap<>();
        data.put("uptime", uptime);
        data.put("idle", 0);
        data.put("loadavg", List.of(format(load), format(load * 0.9), format(load * 0.8)));
        data.put("kversion", "Linux " + KERNEL_RELEASE + " " + KERNEL_VERSION);
        Map<String, Object> kernel = new LinkedHashMap<>();
        kernel.put("sysname", "Linux");
        kernel.put("release", KERNEL_RELEASE);
        kernel.put("version", KERNEL_VERSION);
        kernel.put("machine", "x86_64");
        data.put("current-kernel", kernel);
        data.put("boot-info", Map.of("mode", "efi", "secureboot", 0));
        Map<String, Object> cpuinfo = new LinkedHashMap<>();
        cpuinfo.put("model", "AMD EPYC 7313P 16-Core Processor");
        cpuinfo.put("cpus", node.cpus());
        cpuinfo.put("cores", node.cpus() / 2);
        cpuinfo.put("sockets", 1);
        cpuinfo.put("mhz", "3000.000");
        cpuinfo.put("user_hz", 100);
        cpuinfo.put("hvm", "1");
        cpuinfo.put(
                "flags",
                "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr"
                        + " sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc"
                        + " cpuid extd_apicid aperfmperf pni pclmulqdq monitor ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes"
                        + " xsave avx f16c rdrand lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a misalignsse"
                        + " 3dnowprefetch osvw ibs skinit wdt tce topoext perfctr_core perfctr_nb bpext perfctr_llc mwaitx"
                        + " cpb cat_l3 cdp_l3 hw_pstate ssbd mba ibrs ibpb stibp vmmcall fsgsbase bmi1 avx2 smep bmi2 erms"
                        + " invpcid cqm rdt_a rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 xsaves npt");
        data.put("cpuinfo", cpuinfo);
        data.put("cpu", Math.min(1.0, load / node.cpus()));
        data.put("wait", 0.0005);
        data.put(
                "memory",
                Map.of(
                        "total",
                        node.memoryTotal(),
                        "used",
                        memUsed,
                        "free",
                        node.memoryTotal() - memUsed));
        data.put("ksm", Map.of("shared", 0));
        long swap = 8L << 30;
        data.put("swap", Map.of("total", swap, "used", 0, "free", swap));
        data.put(
                "pveversion",
                "pve-manager/" + node.release().version() + "/" + node.release().repoid());
        Map<String, Object> rootfs = new LinkedHashMap<>();
        rootfs.put("total", node.rootfsTotal());
        rootfs.put("avail", node.rootfsTotal() - node.rootfsUsed());
        rootfs.put("used", node.rootfsUsed());
        rootfs.put("free", node.rootfsTotal() - node.rootfsUsed());
        data.put("rootfs", rootfs);
        return ApiResult.of(data);
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
