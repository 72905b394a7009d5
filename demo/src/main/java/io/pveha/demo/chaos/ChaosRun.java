package io.pveha.demo.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.vm.HaVm;
import io.pveha.reconciler.Conditions;
import io.pveha.testing.kube.RealKubeApiServer;
import io.pveha.testing.kube.RealServerCrds;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The chaos harness: the operator as production runs it (its own JVMs with {@code run} and a heap
 * limit, two replicas electing a leader), against a real kube-apiserver and etcd (or, with {@link
 * Kube#MOCK}, fabric8's mock server in a process of its own), behind a loopback proxy that can cut
 * it off, and simulator processes holding several PVE clusters. A driver creates, changes and
 * deletes resources, injects faults through the simulators' control API and kills processes at
 * instants drawn from a seed, then judges from the simulators' own state. Every random decision
 * comes from the seed; thread timing does not, so a replay repeats the same plan, not the same
 * interleaving.
 */
public final class ChaosRun implements AutoCloseable {
    /** The phases a run may have, in the order they run. */
    public enum Phase {
        CREATE,
        STORM,
        CHANGE,
        KUBE_OUTAGE,
        PVE_OUTAGE,
        STEADY
    }

    /** What to run. */
    public record Settings(
            long seed,
            int vms,
            int clusters,
            int simProcesses,
            Set<Phase> phases,
            int createKills,
            int changeKills,
            int deletes,
            int changes,
            int batch,
            double failRate,
            double failAfter,
            double hangRate,
            int requestTimeoutSeconds,
            int pollSeconds,
            int requestsPerSecond,
            int tasksPerNode,
            double timeScale,
            int replicas,
            int leaseSeconds,
            int renewSeconds,
            int retrySeconds,
            String xmx,
            Duration outage,
            Duration steady,
            Duration phaseTimeout,
            Path workDir,
            Path demoJar,
            Path operatorJar,
            Kube kube,
            List<String> operatorJvmArgs) {
        public Settings {
            phases = phases.isEmpty() ? EnumSet.noneOf(Phase.class) : EnumSet.copyOf(phases);
            operatorJvmArgs = List.copyOf(operatorJvmArgs);
        }
    }

    /** Which Kubernetes API server the operator runs against. */
    public enum Kube {
        /**
         * kube-apiserver and etcd ({@link RealKubeApiServer}): restartable, RBAC, managedFields.
         */
        REAL,
        /** fabric8's mock server as a process ({@code kube-server}): objects in memory only. */
        MOCK
    }

    /** The verdict and the machine-readable line. */
    public record Result(Judge.Verdict verdict, double convergedSeconds, List<String> problems) {
        public boolean ok() {
            return verdict.ok() && problems.isEmpty();
        }

        public String line() {
            return String.format(
                    Locale.ROOT,
                    "vms=%d/%d duplicates=%d orphans=%d wrongful_deletes=%d converged_s=%.1f",
                    verdict.found(),
                    verdict.expected(),
                    verdict.duplicates(),
                    verdict.orphans(),
                    verdict.wrongfulDeletes(),
                    convergedSeconds);
        }
    }

    static final String NS = "chaos";
    static final String CLUSTER_LABEL = "chaos.pveha.io/cluster";

    /** The operator's identity on the real API server (a bearer token, as a ServiceAccount's). */
    static final String OPERATOR_USER = "system:serviceaccount:chaos:pve-ha-operator";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings s;
    private final PrintStream out;
    private final Random random;
    private final long t0 = System.nanoTime();
    private final List<Child> children = new ArrayList<>();
    private final Sims sims = new Sims();
    private final Map<String, Judge.Intent> intents = new ConcurrentHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, String> figures = new LinkedHashMap<>();
    private double convergedSeconds;
    private double maxLoad;
    private KubeProxy proxy;
    private RealKubeApiServer apiServer;
    private KubernetesClient client;
    private SharedIndexInformer<HaVm> informer;
    private Replicas replicas;
    private volatile int created;

    /** HaVms asked for so far or about to be (progress and convergence count against this). */
    private volatile int expected;

    private int checks;

    private boolean closed;

    public ChaosRun(Settings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
        this.random = new Random(settings.seed());
    }

    // ------------------------------------------------------------------ run

    public Result run() throws Exception {
        log(
                "chaos run: seed "
                        + s.seed()
                        + ", "
                        + s.vms()
                        + " HaVms on "
                        + s.clusters()
                        + " cluster(s) in "
                        + s.simProcesses()
                        + " simulator process(es), phases "
                        + s.phases()
                        + ", operator -Xmx"
                        + s.xmx()
                        + ", work dir "
                        + s.workDir());
        load();
        setup();
        if (s.phases().contains(Phase.CREATE)) {
            create();
        }
        if (s.phases().contains(Phase.STEADY)) {
            steady();
        }
        if (s.phases().contains(Phase.STORM)) {
            storm();
        }
        if (s.phases().contains(Phase.CHANGE)) {
            change();
        }
        if (s.phases().contains(Phase.KUBE_OUTAGE)) {
            kubeOutage();
        }
        if (s.phases().contains(Phase.PVE_OUTAGE)) {
            pveOutage();
        }
        sims.faultsOff();
        Converge last = awaitConverged("final", Duration.ofMinutes(5), List.of());
        Judge.Verdict verdict = judge();
        memory("final");
        problems.addAll(replicas.unexpectedExits);
        for (Replicas.Replica r : replicas.live()) {
            String oom = grep(r.child.log, "OutOfMemoryError");
            if (oom != null) {
                problems.add(r.identity + ": " + oom);
            }
        }
        log("final: " + (last.converged ? "converged" : "NOT converged: " + last.why));
        if (!last.converged) {
            problems.add("not converged at the end: " + last.why);
        }
        printVerdict("final", verdict);
        figures.put("load average max (1 min)", String.format(Locale.ROOT, "%.2f", maxLoad));
        figures.put("kills", String.valueOf(replicas.kills.size()));
        figures.put(
                "leaders that lost the Lease and exited",
                replicas.lostLease.size() + " " + replicas.lostLease);
        out.println("--- figures");
        figures.forEach((k, v) -> out.println(k + ": " + v));
        out.println("--- kills");
        replicas.kills.forEach(out::println);
        if (!problems.isEmpty()) {
            out.println("--- problems");
            problems.forEach(out::println);
        }
        return new Result(verdict, convergedSeconds, List.copyOf(problems));
    }

    // ---------------------------------------------------------------- setup

    private void setup() throws Exception {
        Files.createDirectories(s.workDir());
        boolean real = s.kube() == Kube.REAL;
        Path kubeconfig = s.workDir().resolve("kube-direct.kubeconfig");
        Files.deleteIfExists(kubeconfig);
        Child kube = null;
        if (!real) {
            kube =
                    Child.java(
                            "kube-server",
                            List.of("-Xmx1g", "-XX:+UseSerialGC"),
                            List.of(
                                    "-cp",
                                    s.demoJar().toString(),
                                    "io.pveha.demo.cli.DemoMain",
                                    "kube-server",
                                    "--kubeconfig-out=" + kubeconfig,
                                    "--namespace=" + NS),
                            Map.of(),
                            s.workDir().resolve("kube-server.log"));
            children.add(kube);
        }
        int perProcess = (int) Math.ceil(s.clusters() / (double) s.simProcesses());
        List<Child> simChildren = new ArrayList<>();
        List<Path> infos = new ArrayList<>();
        for (int p = 0, first = 0; first < s.clusters(); p++, first += perProcess) {
            int n = Math.min(perProcess, s.clusters() - first);
            Path info = s.workDir().resolve("sim-" + p + ".json");
            Files.deleteIfExists(info);
            Child sim =
                    Child.java(
                            "sim-" + p,
                            List.of("-Xmx" + Math.max(512, 200 + n * s.vms() / s.clusters()) + "m"),
                            List.of(
                                    "-cp",
                                    s.demoJar().toString(),
                                    "io.pveha.demo.cli.DemoMain",
                                    "sim-host",
                                    "--clusters=" + n,
                                    "--first=" + first,
                                    "--time-scale=" + s.timeScale(),
                                    "--info-file=" + info),
                            Map.of(),
                            s.workDir().resolve("sim-" + p + ".log"));
            children.add(sim);
            simChildren.add(sim);
            infos.add(info);
        }
        Path proxied = s.workDir().resolve("operator.kubeconfig");
        String where;
        if (real) {
            // etcd and kube-apiserver start while the simulators do; both are killed by close()
            // and, should this JVM die first, by RealKubeApiServer's shutdown hook.
            apiServer = RealKubeApiServer.builder().user(OPERATOR_USER).start();
            client = apiServer.client();
            RealServerCrds.installAndAwait(client);
            // cluster-admin, not the chart's roles: RbacAuditIT proves the chart's RBAC against
            // a real server; here a refusal would be a harness fault, not the operator's.
            client.rbac()
                    .clusterRoleBindings()
                    .resource(
                            new ClusterRoleBindingBuilder()
                                    .withNewMetadata()
                                    .withName("chaos-operator")
                                    .endMetadata()
                                    .withNewRoleRef()
                                    .withApiGroup("rbac.authorization.k8s.io")
                                    .withKind("ClusterRole")
                                    .withName("cluster-admin")
                                    .endRoleRef()
                                    .addNewSubject()
                                    .withApiGroup("rbac.authorization.k8s.io")
                                    .withKind("User")
                                    .withName(OPERATOR_USER)
                                    .endSubject()
                                    .build())
                    .create();
            int kubePort = URI.create(apiServer.url()).getPort();
            proxy = new KubeProxy(kubePort);
            // the operator's own bearer token; the file is in the work dir, never printed
            Files.writeString(
                    proxied,
                    apiServer
                            .kubeconfig(OPERATOR_USER, NS)
                            .replace(":" + kubePort + "\"", ":" + proxy.port() + "\""));
            where =
                    "kube-apiserver pid "
                            + apiServer.apiServerPid()
                            + " at "
                            + apiServer.url()
                            + " (operator as "
                            + OPERATOR_USER
                            + ", cluster-admin, through proxy port "
                            + proxy.port()
                            + ")";
        } else {
            kube.awaitFile(kubeconfig, Duration.ofSeconds(60));
            String direct = Files.readString(kubeconfig);
            int kubePort =
                    Integer.parseInt(
                            direct.replaceAll("(?s).*server: http://[^:]+:(\\d+).*", "$1"));
            proxy = new KubeProxy(kubePort);
            Files.writeString(proxied, direct.replace(":" + kubePort, ":" + proxy.port()));
            client =
                    new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(direct)).build();
            where =
                    "kube-server (fabric8 mock) pid "
                            + kube.pid()
                            + " on port "
                            + kubePort
                            + " (operator through proxy port "
                            + proxy.port()
                            + ")";
        }
        for (int i = 0; i < simChildren.size(); i++) {
            simChildren.get(i).awaitFile(infos.get(i), Duration.ofSeconds(120));
            sims.add(JSON.readTree(infos.get(i).toFile()));
        }
        log(
                where
                        + ", simulators: "
                        + simChildren.stream()
                                .map(Child::toString)
                                .collect(Collectors.joining(", ")));
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        for (Sims.Cluster c : sims.clusters) {
            client.resource(
                            new SecretBuilder()
                                    .withNewMetadata()
                                    .withName(c.name() + "-token")
                                    .withNamespace(NS)
                                    .endMetadata()
                                    .withStringData(
                                            Map.of(
                                                    "tokenId",
                                                    c.tokenId(),
                                                    "tokenSecret",
                                                    c.tokenSecret()))
                                    .build())
                    .create();
            client.resource(
                            new SecretBuilder()
                                    .withNewMetadata()
                                    .withName(c.name() + "-ca")
                                    .withNamespace(NS)
                                    .endMetadata()
                                    .withStringData(Map.of("ca.crt", c.caPem()))
                                    .build())
                    .create();
            client.resource(unmarshal(Manifests.cluster(c, s), ProxmoxCluster.class)).create();
            client.resource(unmarshal(Manifests.cephPool(c), CephPool.class)).create();
            client.resource(unmarshal(Manifests.backupPolicy(c), BackupPolicy.class)).create();
        }
        informer = client.resources(HaVm.class).inNamespace(NS).inform();
        replicas =
                new Replicas(
                        new Replicas.Settings(
                                s.operatorJar(),
                                proxied,
                                NS,
                                s.xmx(),
                                s.leaseSeconds(),
                                s.renewSeconds(),
                                s.retrySeconds(),
                                s.operatorJvmArgs()),
                        client,
                        s.workDir(),
                        random,
                        out,
                        t0);
        replicas.scale(s.replicas(), true);
        Replicas.Replica leader = replicas.awaitLeader(Duration.ofSeconds(120));
        log("leader " + leader.identity);
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!clustersReady()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ProxmoxClusters not Ready after 3 minutes");
            }
            Thread.sleep(500);
        }
        log("ProxmoxClusters Ready");
    }

    private boolean clustersReady() {
        for (ProxmoxCluster c :
                client.resources(ProxmoxCluster.class).inNamespace(NS).list().getItems()) {
            if (c.getStatus() == null
                    || !Conditions.isTrue(c.getStatus().getConditions(), Conditions.READY)) {
                return false;
            }
        }
        return true;
    }

    // --------------------------------------------------------------- phases

    private void create() throws Exception {
        log("=== create: " + s.vms() + " HaVms, " + s.createKills() + " kills, faults " + faults());
        Map<String, Long> before = sims.statsAll();
        sims.faultsOn(s.failRate(), s.failAfter(), s.hangRate(), hold());
        long start = System.nanoTime();
        // Created while the kills happen: a kill at 30 % is one while a third of the HaVms exist,
        // not one after all of them were asked for.
        expected = intents.size() + s.vms();
        List<String> made = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CompletableFuture<Void> creating =
                java.util.concurrent.CompletableFuture.runAsync(
                        () -> made.addAll(createHaVms(s.vms(), null, true)));
        Converge c = awaitConverged("create", s.phaseTimeout(), killPlan(s.createKills(), true));
        creating.join();
        double took = (System.nanoTime() - start) / 1e9;
        sims.faultsOff();
        finishPhase("create", c, took, before);
        log("created " + made.size());
    }

    private void steady() throws Exception {
        sims.faultsOff();
        Converge c = awaitConverged("steady", s.phaseTimeout(), List.of());
        if (!c.converged) {
            problems.add("steady: not converged: " + c.why);
        }
        memory("converged");
        Map<String, Long> before = sims.statsAll();
        log("=== steady: staying converged for " + s.steady().toSeconds() + " s");
        long end = System.nanoTime() + s.steady().toNanos();
        int checks = 0;
        int failed = 0;
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(20_000, s.steady().toMillis()));
            Converge now = check();
            checks++;
            if (!now.converged) {
                failed++;
                log("steady: not converged: " + now.why);
            }
        }
        Map<String, Long> calls = Sims.delta(sims.statsAll(), before);
        figures.put(
                "steady: PVE calls per minute",
                String.format(
                        Locale.ROOT,
                        "%.0f %s",
                        calls.getOrDefault("total", 0L) * 60.0 / s.steady().toSeconds(),
                        calls));
        figures.put("steady: checks converged", (checks - failed) + "/" + checks);
        if (failed > 0) {
            problems.add("steady: " + failed + " of " + checks + " checks not converged");
        }
        memory("after steady " + s.steady().toSeconds() + " s");
    }

    private void storm() throws Exception {
        sims.faultsOff();
        awaitConverged("storm (before)", s.phaseTimeout(), List.of());
        log("=== storm: PVE calls in a steady minute, then in the first minute after a restart");
        Map<String, Long> a = sims.statsAll();
        Thread.sleep(60_000);
        Map<String, Long> steadyMinute = Sims.delta(sims.statsAll(), a);
        replicas.killAll("restart (storm measurement)");
        Replicas.Replica leader = replicas.awaitLeader(Duration.ofMinutes(3));
        log("new leader " + leader.identity + "; counting calls for 60 s");
        Map<String, Long> b = sims.statsAll();
        Thread.sleep(60_000);
        Map<String, Long> firstMinute = Sims.delta(sims.statsAll(), b);
        figures.put(
                "storm: steady minute",
                steadyMinute.getOrDefault("total", 0L) + " " + steadyMinute);
        figures.put(
                "storm: first minute after restart",
                firstMinute.getOrDefault("total", 0L) + " " + firstMinute);
        log(
                "steady minute: "
                        + steadyMinute.getOrDefault("total", 0L)
                        + " calls; first minute after restart: "
                        + firstMinute.getOrDefault("total", 0L));
        Converge c = awaitConverged("storm (after)", s.phaseTimeout(), List.of());
        if (!c.converged) {
            problems.add("storm: not converged after the restart: " + c.why);
        }
    }

    private void change() throws Exception {
        List<Judge.Intent> alive =
                intents.values().stream()
                        .filter(i -> !i.deleteAsked)
                        .sorted((x, y) -> x.name.compareTo(y.name))
                        .collect(Collectors.toCollection(ArrayList::new));
        Collections.shuffle(alive, random);
        int d = Math.min(s.deletes(), alive.size());
        int m = Math.min(s.changes(), alive.size() - d);
        List<Judge.Intent> toDelete = alive.subList(0, d);
        List<Judge.Intent> toChange = alive.subList(d, d + m);
        log(
                "=== change: delete "
                        + d
                        + ", change "
                        + m
                        + " (memory and placement), "
                        + s.changeKills()
                        + " kills, faults "
                        + faults());
        sims.faultsOff();
        awaitConverged("change (before)", s.phaseTimeout(), List.of());
        Map<Integer, JsonNode> before = inventories();
        Map<String, HaVm> byUid = havmsByUid();
        java.util.Set<String> untouched = new java.util.HashSet<>(Judge.unowned(before));
        java.util.Set<String> changedOrDeleted = new java.util.HashSet<>();
        for (Judge.Intent i : alive) {
            HaVm vm = byUid.get(i.uid);
            if (vm != null && vm.getStatus() != null && vm.getStatus().getVmid() != null) {
                String key = i.cluster + "/" + vm.getStatus().getVmid();
                if (toDelete.contains(i) || toChange.contains(i)) {
                    changedOrDeleted.add(key);
                } else {
                    untouched.add(key);
                }
            }
        }
        Map<String, Long> statsBefore = sims.statsAll();
        sims.faultsOn(s.failRate(), s.failAfter(), s.hangRate(), hold());
        long start = System.nanoTime();
        // Everything asked for is recorded first and sent while the kill plan runs: the driver's
        // 700 requests take minutes against the mock, and kills at a share of the phase must fall
        // while they are still being made.
        Map<Judge.Intent, String> targets = new LinkedHashMap<>();
        for (Judge.Intent i : toChange) {
            HaVm vm = byUid.get(i.uid);
            String node = vm.getStatus().getNode();
            List<String> nodes = sims.cluster(i.cluster).nodes();
            targets.put(
                    i,
                    nodes.get(
                            (nodes.indexOf(node) + 1 + random.nextInt(nodes.size() - 1))
                                    % nodes.size()));
        }
        int memory = 768;
        targets.forEach(
                (i, target) -> {
                    i.memoryMiB = memory;
                    i.node = target;
                });
        toDelete.forEach(i -> i.deleteAsked = true);
        java.util.concurrent.CompletableFuture<Void> asking =
                java.util.concurrent.CompletableFuture.runAsync(
                        () -> {
                            targets.forEach(
                                    (i, target) ->
                                            client.resources(HaVm.class)
                                                    .inNamespace(NS)
                                                    .withName(i.name)
                                                    .edit(
                                                            v -> {
                                                                v.getSpec().setMemoryMiB(memory);
                                                                io.pveha.api.vm.Placement p =
                                                                        new io.pveha.api.vm
                                                                                .Placement();
                                                                p.setNode(target);
                                                                v.getSpec().setPlacement(p);
                                                                return v;
                                                            }));
                            for (Judge.Intent i : toDelete) {
                                client.resources(HaVm.class)
                                        .inNamespace(NS)
                                        .withName(i.name)
                                        .delete();
                            }
                        });
        Converge c = awaitConverged("change", s.phaseTimeout(), killPlan(s.changeKills(), false));
        asking.join();
        double took = (System.nanoTime() - start) / 1e9;
        sims.faultsOff();
        Map<Integer, JsonNode> after = inventories();
        java.util.Set<String> touched = Judge.touched(before, after, untouched);
        figures.put(
                "change: VMs not asked to change, touched",
                touched.size()
                        + " of "
                        + untouched.size()
                        + (touched.isEmpty() ? "" : " " + touched));
        if (!touched.isEmpty()) {
            problems.add(
                    "change: "
                            + touched.size()
                            + " VMs not asked to change were touched: "
                            + touched);
        }
        figures.put("change: writes per changed VM", writesPerVm(before, after, toChange, byUid));
        finishPhase("change", c, took, statsBefore);
    }

    /** Configuration tasks and restarts per changed VM, from the simulators' task lists. */
    private String writesPerVm(
            Map<Integer, JsonNode> before,
            Map<Integer, JsonNode> after,
            List<Judge.Intent> changed,
            Map<String, HaVm> byUid) {
        Map<String, Integer> histogram = new TreeMap<>();
        for (Judge.Intent i : changed) {
            HaVm vm = byUid.get(i.uid);
            String id = String.valueOf(vm.getStatus().getVmid());
            StringBuilder key = new StringBuilder();
            for (String type :
                    List.of("qmconfig", "qmshutdown", "qmstart", "qmigrate", "hamigrate")) {
                int n =
                        count(after.get(i.cluster), type, id)
                                - count(before.get(i.cluster), type, id);
                key.append(type).append('=').append(n).append(' ');
            }
            histogram.merge(key.toString().trim(), 1, Integer::sum);
        }
        return histogram.toString();
    }

    private static int count(JsonNode inventory, String type, String id) {
        JsonNode byId = inventory.get("tasks").get(type);
        return byId == null || byId.get(id) == null ? 0 : byId.get(id).asInt();
    }

    private void kubeOutage() throws Exception {
        log(
                "=== kube outage: one replica without leader election; "
                        + s.batch()
                        + " HaVms created, the API server cut off for "
                        + s.outage().toSeconds()
                        + " s mid-way");
        sims.faultsOff();
        awaitConverged("kube outage (before)", s.phaseTimeout(), List.of());
        replicas.scale(1, false);
        Replicas.Replica only = replicas.awaitLeader(Duration.ofSeconds(60));
        // let it settle: its first passes over everything
        awaitConverged("kube outage (new replica)", s.phaseTimeout(), List.of());
        Map<String, Integer> vmidsBefore = vmids();
        Map<String, Long> statsBefore = sims.statsAll();
        int exitsBefore = replicas.unexpectedExits.size() + replicas.lostLease.size();
        long start = System.nanoTime();
        List<String> batch = createHaVms(s.batch(), null, true);
        // cut when part of the batch has VMs
        long cutBy = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < cutBy && withVmid(batch) < Math.max(1, batch.size() / 4)) {
            Thread.sleep(100);
        }
        int atCut = withVmid(batch);
        proxy.cut();
        if (apiServer != null) {
            // A real restart: kube-apiserver SIGKILLed (etcd and its data stay), down for the
            // outage, then a new process on the same port; the proxy refuses the operator
            // meanwhile and until the new one is ready, so the operator sees one outage.
            long oldPid = apiServer.apiServerPid();
            apiServer.killApiServer();
            log(
                    "API server cut off and kube-apiserver pid "
                            + oldPid
                            + " SIGKILLed ("
                            + atCut
                            + "/"
                            + batch.size()
                            + " of the batch had a VMID)");
            Thread.sleep(s.outage().toMillis());
            long restarting = System.nanoTime();
            apiServer.startApiServer();
            figures.put(
                    "kube outage: kube-apiserver",
                    "pid "
                            + oldPid
                            + " killed, pid "
                            + apiServer.apiServerPid()
                            + " ready "
                            + String.format(
                                    Locale.ROOT, "%.1f", (System.nanoTime() - restarting) / 1e9)
                            + " s after its start, same port and etcd");
            proxy.restore();
            log(
                    "kube-apiserver restarted as pid "
                            + apiServer.apiServerPid()
                            + ", reachable again through the proxy");
        } else {
            log("API server cut off (" + atCut + "/" + batch.size() + " of the batch had a VMID)");
            Thread.sleep(s.outage().toMillis());
            proxy.restore();
            log("API server reachable again");
        }
        Converge c = awaitConverged("kube outage", s.phaseTimeout(), List.of());
        double took = (System.nanoTime() - start) / 1e9;
        Map<String, Long> calls = Sims.delta(sims.statsAll(), statsBefore);
        boolean same =
                only.child.alive() && replicas.live().size() == 1 && replicas.live().get(0) == only;
        figures.put(
                "kube outage: operator process",
                (same ? "same process, pid " : "RESTARTED (was pid ")
                        + only.child.pid()
                        + (same ? "" : ")"));
        if (!same) {
            problems.add("kube outage: the operator process did not survive the outage");
        }
        long clones = sum(calls, "/clone");
        long haCreates = calls.getOrDefault("POST /cluster/ha/resources", 0L);
        figures.put(
                "kube outage: clone requests / HA registrations for " + batch.size() + " new HaVms",
                clones + " / " + haCreates);
        if (clones != batch.size()) {
            problems.add(
                    "kube outage: " + clones + " clone requests for " + batch.size() + " HaVms");
        }
        Map<String, Integer> vmidsAfter = vmids();
        int lost = 0;
        for (Map.Entry<String, Integer> e : vmidsBefore.entrySet()) {
            if (!Objects.equals(e.getValue(), vmidsAfter.get(e.getKey()))) {
                lost++;
            }
        }
        figures.put("kube outage: statuses lost or changed", String.valueOf(lost));
        log(
                "kube outage checks: operator "
                        + (same ? "same process, pid " + only.child.pid() : "RESTARTED")
                        + ", operator exits "
                        + (replicas.unexpectedExits.size()
                                + replicas.lostLease.size()
                                - exitsBefore)
                        + "; clone requests "
                        + clones
                        + " for "
                        + batch.size()
                        + " new HaVms; HA registrations "
                        + haCreates
                        + "; statuses that lost or changed their VMID "
                        + lost
                        + " of "
                        + vmidsBefore.size());
        if (lost > 0) {
            problems.add("kube outage: " + lost + " HaVm statuses lost their VMID");
        }
        finishPhase("kube outage", c, took, statsBefore);
        replicas.scale(s.replicas(), true);
        replicas.awaitLeader(Duration.ofMinutes(2));
    }

    private void pveOutage() throws Exception {
        Sims.Cluster c0 = sims.cluster(0);
        String node = c0.nodes().get(0);
        log(
                "=== PVE outage: "
                        + node
                        + " of "
                        + c0.name()
                        + " (its first endpoint, the one in use) powered off while "
                        + s.batch()
                        + " HaVms are created on it");
        sims.faultsOff();
        awaitConverged("pve outage (before)", s.phaseTimeout(), List.of());
        String endpointBefore = activeEndpoint(c0);
        JsonNode inv = sims.inventory(c0);
        Map<Integer, String> onNode = new TreeMap<>();
        for (JsonNode vm : inv.get("vms")) {
            if (node.equals(vm.get("node").asText()) && Judge.text(vm, "owner") != null) {
                onNode.put(vm.get("vmid").asInt(), Judge.text(vm, "owner"));
            }
        }
        Map<String, Long> statsBefore = sims.statsAll();
        long start = System.nanoTime();
        List<String> batch = createHaVms(s.batch(), 0, false);
        Thread.sleep(1000 + random.nextInt(2000));
        sims.power(c0, node, false);
        long off = System.nanoTime();
        log(node + " powered off; " + onNode.size() + " HA VMs were on it");
        Map<Integer, Long> pveAt = new TreeMap<>();
        Map<Integer, Long> statusAt = new TreeMap<>();
        Map<Integer, String> movedTo = new TreeMap<>();
        long deadline = System.nanoTime() + s.phaseTimeout().toNanos();
        while (System.nanoTime() < deadline && statusAt.size() < onNode.size()) {
            long now = System.nanoTime();
            for (JsonNode vm : sims.inventory(c0).get("vms")) {
                int vmid = vm.get("vmid").asInt();
                if (onNode.containsKey(vmid)
                        && !pveAt.containsKey(vmid)
                        && !node.equals(vm.get("node").asText())
                        && "running".equals(Judge.text(vm, "status"))) {
                    pveAt.put(vmid, now);
                    movedTo.put(vmid, vm.get("node").asText());
                }
            }
            Map<String, HaVm> byUid = havmsByUid();
            for (Map.Entry<Integer, String> e : movedTo.entrySet()) {
                HaVm vm = byUid.get(onNode.get(e.getKey()));
                if (!statusAt.containsKey(e.getKey())
                        && vm != null
                        && vm.getStatus() != null
                        && e.getValue().equals(vm.getStatus().getNode())
                        && "running".equals(vm.getStatus().getPowerState())) {
                    statusAt.put(e.getKey(), now);
                }
            }
            Thread.sleep(250);
        }
        List<Double> lags = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : statusAt.entrySet()) {
            lags.add((e.getValue() - pveAt.get(e.getKey())) / 1e9);
        }
        Collections.sort(lags);
        String endpointAfter = activeEndpoint(c0);
        figures.put(
                "pve outage: active endpoint before / after",
                endpointBefore + " / " + endpointAfter);
        if (Objects.equals(endpointBefore, endpointAfter)) {
            problems.add("pve outage: the active endpoint stayed " + endpointAfter);
        }
        figures.put(
                "pve outage: HA VMs reported on their new node / on the failed node",
                statusAt.size()
                        + " / "
                        + onNode.size()
                        + (pveAt.isEmpty()
                                ? ""
                                : String.format(
                                        Locale.ROOT,
                                        ", PVE recovered them %.1f-%.1f s after the power-off",
                                        (pveAt.values().stream().min(Long::compare).get() - off)
                                                / 1e9,
                                        (pveAt.values().stream().max(Long::compare).get() - off)
                                                / 1e9)));
        if (!lags.isEmpty()) {
            figures.put(
                    "pve outage: status lag behind PVE (s)",
                    String.format(
                            Locale.ROOT,
                            "median %.1f, max %.1f (poll interval %d s)",
                            lags.get(lags.size() / 2),
                            lags.get(lags.size() - 1),
                            s.pollSeconds()));
            // one poll interval, plus the 0.25 s the driver samples at and the time a pass takes
            if (lags.get(lags.size() - 1) > s.pollSeconds() + 2.0) {
                problems.add(
                        String.format(
                                Locale.ROOT,
                                "pve outage: a HaVm's status followed PVE only after %.1f s",
                                lags.get(lags.size() - 1)));
            }
        }
        if (statusAt.size() < onNode.size()) {
            problems.add(
                    "pve outage: "
                            + (onNode.size() - statusAt.size())
                            + " HA VMs of the failed node not reported on a new node");
        }
        // HA recovered these elsewhere; the operator reports them where they run and does not move
        // them back to a placement node by itself, so that is no longer asked of it.
        for (String uid : onNode.values()) {
            Judge.Intent i = intents.get(uid);
            if (i != null) {
                i.node = null;
            }
        }
        sims.power(c0, node, true);
        log(node + " powered on");
        Converge c = awaitConverged("pve outage", s.phaseTimeout(), List.of());
        double took = (System.nanoTime() - start) / 1e9;
        finishPhase("pve outage", c, took, statsBefore);
    }

    private String activeEndpoint(Sims.Cluster c) {
        ProxmoxCluster pc =
                client.resources(ProxmoxCluster.class).inNamespace(NS).withName(c.name()).get();
        return pc == null || pc.getStatus() == null ? null : pc.getStatus().getActiveEndpoint();
    }

    private void finishPhase(String phase, Converge c, double took, Map<String, Long> statsBefore)
            throws Exception {
        Map<String, Long> calls = Sims.delta(sims.statsAll(), statsBefore);
        convergedSeconds += took;
        double load = load();
        figures.put(
                phase + ": converged",
                c.converged
                        ? String.format(Locale.ROOT, "%.1f s (load %.2f)", took, load)
                        : "NO after " + String.format(Locale.ROOT, "%.1f s: %s", took, c.why));
        figures.put(
                phase + ": PVE calls",
                calls.getOrDefault("total", 0L) + " (writes " + Sims.writes(calls) + ") " + calls);
        if (!c.converged) {
            problems.add(phase + ": not converged: " + c.why);
        }
        Judge.Verdict v = judge();
        printVerdict(phase, v);
        memory(phase);
    }

    // ------------------------------------------------------------- creating

    /** Creates {@code n} HaVms, round-robin over the clusters (or all on {@code cluster}). */
    private List<String> createHaVms(int n, Integer cluster, boolean placed) {
        List<String> names = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int index = cluster != null ? cluster : created % sims.clusters.size();
            Sims.Cluster c = sims.cluster(index);
            String name = String.format(Locale.ROOT, "vm-%s-%05d", c.name(), created);
            String node =
                    placed
                            ? c.nodes().get((created / sims.clusters.size()) % c.nodes().size())
                            : null;
            created++;
            HaVm vm = createOnce(unmarshal(Manifests.haVm(name, c, node), HaVm.class));
            intents.put(
                    vm.getMetadata().getUid(),
                    new Judge.Intent(vm.getMetadata().getUid(), name, index));
            names.add(name);
        }
        return names;
    }

    /**
     * Creates {@code vm}; the client retries a POST whose answer was lost, and the mock then says
     * 409 for the object the first attempt made: that one is ours.
     */
    private HaVm createOnce(HaVm vm) {
        try {
            return client.resource(vm).create();
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            return client.resources(HaVm.class)
                    .inNamespace(NS)
                    .withName(vm.getMetadata().getName())
                    .require();
        }
    }

    private int withVmid(List<String> names) {
        Set<String> wanted = Set.copyOf(names);
        return (int)
                informer.getStore().list().stream()
                        .filter(v -> wanted.contains(v.getMetadata().getName()))
                        .filter(v -> v.getStatus() != null && v.getStatus().getVmid() != null)
                        .count();
    }

    // ----------------------------------------------------------- convergence

    /**
     * A kill: at a share of the phase's progress, after a random delay; a handover kill follows its
     * leader's.
     */
    private record Kill(double at, int delayMillis, boolean handover) {}

    private List<Kill> killPlan(int kills, boolean withHandover) {
        int events = withHandover && kills >= 2 ? kills - 1 : kills;
        int handoverAfter = withHandover && kills >= 2 ? random.nextInt(events) : -1;
        List<Double> at = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            at.add(0.05 + 0.85 * random.nextDouble());
        }
        Collections.sort(at);
        List<Kill> plan = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            plan.add(new Kill(at.get(i), random.nextInt(2000), i == handoverAfter));
        }
        return plan;
    }

    /** Whether everything is as asked, and how far along. */
    private record Converge(boolean converged, double progress, String why) {}

    private Converge awaitConverged(String phase, Duration timeout, List<Kill> plan)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int nextKill = 0;
        long lastLog = 0;
        Converge c = check();
        // a kill "at 30 %" is at 30 % of what was left when the phase began
        double from = Math.min(c.progress, 0.99);
        while (true) {
            // converged before a planned instant: the kill happens now, at steady state
            if (nextKill < plan.size()
                    && from + plan.get(nextKill).at() * (1 - from) <= c.progress) {
                Kill k = plan.get(nextKill++);
                Thread.sleep(k.delayMillis());
                kill(phase, c.progress, k);
                c = check();
                continue;
            }
            if (c.converged) {
                return c;
            }
            if (System.nanoTime() > deadline) {
                log(phase + ": timed out: " + c.why);
                return c;
            }
            if (System.nanoTime() - lastLog > 15_000_000_000L) {
                lastLog = System.nanoTime();
                log(String.format(Locale.ROOT, "%s: %.0f%% (%s)", phase, c.progress * 100, c.why));
                load();
            }
            Thread.sleep(1000);
            // Every 30 s the API server's own list instead of the driver's informer: the mock's
            // watch was seen to drop deletions under load, and a stale cache must not hold a
            // converged run back until its phase times out.
            c = (++checks % 30 == 0) ? check(listHaVms()) : check();
        }
    }

    private void kill(String phase, double progress, Kill k) throws InterruptedException {
        Replicas.Replica leader = replicas.awaitLeader(Duration.ofMinutes(2));
        String at = String.format(Locale.ROOT, "%s at %.0f%%", phase, progress * 100);
        if (!k.handover()) {
            replicas.kill(leader, at);
            return;
        }
        // kill the leader, then the replica taking over, as soon as it holds the Lease
        replicas.kill(leader, at + " (before a handover)");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Replicas.Replica> next = replicas.leader();
            if (next.isPresent() && next.get() != leader) {
                Thread.sleep(random.nextInt(1500));
                replicas.kill(
                        next.get(), at + " (during the handover: it had just taken the Lease)");
                return;
            }
            Thread.sleep(20);
        }
    }

    /** One look at everything: the HaVms (informer) and the simulators' state. */
    private Converge check() {
        return check(havmsByUid());
    }

    private Map<String, HaVm> listHaVms() {
        Map<String, HaVm> out = new java.util.HashMap<>();
        for (HaVm vm : client.resources(HaVm.class).inNamespace(NS).list().getItems()) {
            out.put(vm.getMetadata().getUid(), vm);
        }
        return out;
    }

    private Converge check(Map<String, HaVm> byUid) {
        Map<Integer, JsonNode> inv = inventories();
        Map<String, JsonNode> vms = new java.util.HashMap<>();
        inv.forEach(
                (cluster, i) ->
                        i.get("vms")
                                .forEach(
                                        vm -> vms.put(cluster + "/" + vm.get("vmid").asInt(), vm)));
        int total = 0;
        int done = 0;
        String why = null;
        for (Judge.Intent i : intents.values()) {
            total++;
            HaVm vm = byUid.get(i.uid);
            String problem;
            if (i.deleteAsked) {
                problem = vm == null ? null : i.name + " not deleted yet";
            } else {
                problem = problem(i, vm, vms);
            }
            if (problem == null) {
                done++;
            } else if (why == null) {
                why = problem;
            }
        }
        total = Math.max(total, expected);
        double progress = total == 0 ? 1 : done / (double) total;
        return new Converge(
                done == total, progress, done + "/" + total + (why == null ? "" : "; e.g. " + why));
    }

    private static String problem(Judge.Intent i, HaVm vm, Map<String, JsonNode> vms) {
        if (vm == null) {
            return i.name + " is gone";
        }
        var st = vm.getStatus();
        if (st == null || st.getVmid() == null) {
            return i.name + " has no VMID";
        }
        if (!Objects.equals(st.getObservedGeneration(), vm.getMetadata().getGeneration())
                || !Conditions.isTrue(st.getConditions(), Conditions.READY)) {
            String reason =
                    Conditions.find(st.getConditions(), Conditions.READY)
                            .map(x -> x.getReason() + ": " + x.getMessage())
                            .orElse("no Ready");
            return i.name + " not Ready (" + reason + ")";
        }
        if (st.getPendingTask() != null) {
            return i.name + " has a pending task";
        }
        JsonNode pve = vms.get(i.cluster + "/" + st.getVmid());
        if (pve == null || !i.uid.equals(Judge.text(pve, "owner"))) {
            return i.name + "'s VM " + st.getVmid() + " is not on PVE with its marker";
        }
        if (i.memoryMiB != null
                && (!String.valueOf(i.memoryMiB).equals(Judge.text(pve, "memory"))
                        || pve.has("pendingMemory"))) {
            return i.name + " memory not applied";
        }
        if (i.node != null && !i.node.equals(Judge.text(pve, "node"))) {
            return i.name + " not on " + i.node;
        }
        return null;
    }

    private Map<String, HaVm> havmsByUid() {
        Map<String, HaVm> out = new java.util.HashMap<>();
        for (HaVm vm : informer.getStore().list()) {
            out.put(vm.getMetadata().getUid(), vm);
        }
        return out;
    }

    private Map<String, Integer> vmids() {
        Map<String, Integer> out = new java.util.HashMap<>();
        for (HaVm vm : informer.getStore().list()) {
            if (vm.getStatus() != null && vm.getStatus().getVmid() != null) {
                out.put(vm.getMetadata().getUid(), vm.getStatus().getVmid());
            }
        }
        return out;
    }

    private Map<Integer, JsonNode> inventories() {
        Map<Integer, JsonNode> out = new TreeMap<>();
        for (Sims.Cluster c : sims.clusters) {
            out.put(c.index(), sims.inventory(c));
        }
        return out;
    }

    private Judge.Verdict judge() {
        Map<String, Judge.Seen> seen = new java.util.HashMap<>();
        for (HaVm vm : client.resources(HaVm.class).inNamespace(NS).list().getItems()) {
            seen.put(
                    vm.getMetadata().getUid(),
                    new Judge.Seen(
                            vm.getMetadata().getUid(),
                            vm.getMetadata().getName(),
                            vm.getStatus() == null ? null : vm.getStatus().getVmid(),
                            vm.getStatus() != null
                                    && Conditions.isTrue(
                                            vm.getStatus().getConditions(), Conditions.READY)));
        }
        return Judge.judge(intents, seen, inventories());
    }

    private void printVerdict(String phase, Judge.Verdict v) {
        String line =
                String.format(
                        Locale.ROOT,
                        "vms=%d/%d duplicates=%d orphans=%d wrongful_deletes=%d changes_missing=%d",
                        v.found(),
                        v.expected(),
                        v.duplicates(),
                        v.orphans(),
                        v.wrongfulDeletes(),
                        v.changesMissing());
        log(phase + ": " + line);
        v.details().stream().limit(30).forEach(d -> log("  " + d));
        figures.put(phase + ": verdict", line);
    }

    // --------------------------------------------------------------- figures

    /** Live heap after a full GC and RSS of the leader. */
    private void memory(String when) {
        Optional<Replicas.Replica> leader = replicas.leader();
        if (leader.isEmpty()) {
            return;
        }
        long pid = leader.get().child.pid();
        try {
            jcmd(pid, "GC.run");
            // what the live heap is made of, for finding what is kept per VM (after the full GC,
            // so mostly live objects)
            Files.writeString(
                    s.workDir()
                            .resolve(
                                    "histogram-"
                                            + when.replaceAll("[^A-Za-z0-9]+", "-")
                                            + "-"
                                            + leader.get().identity
                                            + ".txt"),
                    jcmd(pid, "GC.class_histogram"));
            // The collector's own line for that full GC ("151M->101M(256M)"): heap_info, read
            // after it, already counts what the reconcilers allocated since.
            String heap = "?";
            Path gcLog = s.workDir().resolve(leader.get().identity + "-gc.log");
            java.util.regex.Pattern full =
                    java.util.regex.Pattern.compile(
                            "Pause Full \\(Diagnostic Command\\) (\\d+)M->(\\d+)M\\((\\d+)M\\)");
            for (String line : Files.readAllLines(gcLog)) {
                java.util.regex.Matcher m = full.matcher(line);
                if (m.find()) {
                    heap = m.group(2) + " MiB (heap " + m.group(3) + " MiB)";
                }
            }
            String rss = "?";
            String peak = "?";
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = (Long.parseLong(line.replaceAll("\\D", "")) / 1024) + " MiB";
                }
                // the process's highest RSS so far: what a container's memory limit must hold
                if (line.startsWith("VmHWM:")) {
                    peak = (Long.parseLong(line.replaceAll("\\D", "")) / 1024) + " MiB";
                }
            }
            rss = rss + " (peak " + peak + ")";
            figures.put(
                    "memory " + when,
                    "live heap after full GC "
                            + heap
                            + ", RSS "
                            + rss
                            + " ("
                            + leader.get().identity
                            + ", -Xmx"
                            + s.xmx()
                            + ")");
            log("memory " + when + ": live heap after full GC " + heap + ", RSS " + rss);
        } catch (IOException | InterruptedException e) {
            log("memory " + when + ": " + e);
        }
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                                String.valueOf(pid),
                                command)
                        .redirectErrorStream(true)
                        .start();
        String text =
                new String(
                        p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        return text;
    }

    private double load() {
        try {
            double l = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
            maxLoad = Math.max(maxLoad, l);
            return l;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static String grep(Path log, String text) {
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(text)).findFirst().orElse(null);
        } catch (IOException | java.io.UncheckedIOException e) {
            return null;
        }
    }

    private static long sum(Map<String, Long> calls, String suffix) {
        return calls.entrySet().stream()
                .filter(e -> e.getKey().startsWith("POST ") && e.getKey().endsWith(suffix))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    private String faults() {
        return String.format(
                Locale.ROOT,
                "%.0f%% 5xx (%.0f%% of them after the effect), %.1f%% held %d s",
                s.failRate() * 100,
                s.failAfter() * 100,
                s.hangRate() * 100,
                hold().toSeconds());
    }

    /** Held until the client has given up, then handled. */
    private Duration hold() {
        return Duration.ofSeconds(s.requestTimeoutSeconds() + 1L);
    }

    private <T> T unmarshal(String yaml, Class<T> type) {
        return client.getKubernetesSerialization().unmarshal(yaml, type);
    }

    private void log(String line) {
        out.printf(Locale.ROOT, "[%7.1f s] %s%n", (System.nanoTime() - t0) / 1e9, line);
        out.flush();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (replicas != null) {
            replicas.close();
        }
        if (informer != null) {
            informer.close();
        }
        if (client != null) {
            client.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        for (Child c : children) {
            c.stop(Duration.ofSeconds(10));
        }
        if (apiServer != null) {
            // its directory (etcd data, logs) goes with it; the log stays with the run's
            for (String name : List.of("kube-apiserver.log", "etcd.log")) {
                try {
                    Files.copy(
                            apiServer.dir().resolve(name),
                            s.workDir().resolve(name),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    // a run that failed before it started has none
                }
            }
            apiServer.close();
        }
    }
}
