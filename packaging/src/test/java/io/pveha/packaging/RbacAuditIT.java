package io.pveha.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pveha.api.PvehaStatus;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.vm.HaVm;
import io.pveha.simulator.PveSimulator;
import io.pveha.testing.kube.ApiRequest;
import io.pveha.testing.kube.RealKubeApiServer;
import io.pveha.testing.kube.RealServerCrds;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Least privilege, proven on a real kube-apiserver (RBAC authorizer on, audit log at level
 * Metadata): the chart's RBAC objects are applied as they render, and the operator's jar runs as
 * the chart's Deployment says (args, environment, the ServiceAccount's user). The scenario touches
 * every kind and its Secrets, Events, finalizers and status, pausing, deletion, and leader election
 * with a fail-over between two replicas. The server must refuse nothing (no 403); each request its
 * audit log recorded must also be allowed by our own reading of the chart's rules (as the RBAC
 * authorizer reads them), and each rule they grant must have been used.
 */
class RbacAuditIT {
    static final String OPERATOR_NS = Chart.NAMESPACE;
    static final String NS = "store";
    static final String LEASE = "pve-ha-operator-leader";

    /** packaging/target: failsafe runs in the module's directory. */
    static final Path TARGET = Path.of("target").toAbsolutePath();

    /**
     * The chart's defaults: all namespaces (ClusterRoleBinding), leader election, two replicas and
     * a fail-over.
     */
    @Test
    void allNamespacesWithLeaderElection() throws Exception {
        audit("replicas: 2", true, "all-namespaces");
    }

    /** Watched namespaces (a RoleBinding each, the release namespace among them), one replica. */
    @Test
    void watchedNamespaces() throws Exception {
        audit("watchNamespaces: [" + NS + ", " + OPERATOR_NS + "]", false, "watched-namespaces");
    }

    /** An audit event as the request the RBAC authorizer checked. */
    private static ApiRequest request(String user, JsonNode event) {
        JsonNode ref = event.path("objectRef");
        String verb = event.path("verb").asText();
        if (ref.isMissingNode() || !ref.has("resource")) {
            String uri = event.path("requestURI").asText();
            int q = uri.indexOf('?');
            return new ApiRequest(
                    user, verb, null, null, null, null, q < 0 ? uri : uri.substring(0, q));
        }
        return new ApiRequest(
                user,
                verb,
                ref.path("apiGroup").asText(""),
                ref.path("resource").asText(),
                ref.path("subresource").asText(""),
                ref.path("namespace").asText(""),
                null);
    }

    /** The operator's and the store's namespace, unless they exist already. */
    private static void createNamespaces(KubernetesClient admin) {
        for (String ns : List.of(OPERATOR_NS, NS)) {
            if (admin.namespaces().withName(ns).get() == null) {
                admin.namespaces()
                        .resource(
                                new NamespaceBuilder()
                                        .withNewMetadata()
                                        .withName(ns)
                                        .endMetadata()
                                        .build())
                        .create();
            }
        }
    }

    static final Set<String> RBAC_KINDS =
            Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");

    private void audit(String values, boolean full, String name) throws Exception {
        List<HasMetadata> chart = Chart.render(values);
        Deployment deployment = Chart.one(chart, Deployment.class);
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        String serviceAccount =
                deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
        String user = "system:serviceaccount:" + OPERATOR_NS + ":" + serviceAccount;
        Path jar =
                Path.of(
                        System.getProperty(
                                "operator.jar", "../operator/target/pve-ha-operator.jar"));
        Path logs = TARGET.resolve("rbac-audit/" + name);
        List<String> report = new ArrayList<>();

        try (RealKubeApiServer kube = RealKubeApiServer.builder().user(user).auditLog().start();
                KubernetesClient admin = kube.client();
                PveSimulator sim =
                        PveSimulator.builder()
                                .nodes(3)
                                .timeScale(20)
                                .authFailureDelay(Duration.ZERO)
                                .build()
                                .start()) {
            RealServerCrds.installAndAwait(admin);
            createNamespaces(admin);
            for (HasMetadata object : chart) {
                if (RBAC_KINDS.contains(object.getKind())) {
                    admin.resource(object).create();
                }
            }
            scenario(
                    admin,
                    sim,
                    jar,
                    container,
                    kube.kubeconfig(user, OPERATOR_NS),
                    logs,
                    full,
                    report);

            // What the operator asked, as the server's audit log recorded it (the RBAC
            // authorizer's view: verb, group, resource, subresource, namespace), and what it
            // answered.
            List<JsonNode> events =
                    kube.auditEvents().stream()
                            .filter(e -> user.equals(e.path("user").path("username").asText()))
                            .filter(e -> "ResponseComplete".equals(e.path("stage").asText()))
                            .toList();
            Map<ApiRequest, Long> requests =
                    events.stream()
                            .collect(
                                    Collectors.groupingBy(
                                            e -> request(user, e),
                                            java.util.LinkedHashMap::new,
                                            Collectors.counting()));
            report.add(
                    "answers by status code: "
                            + events.stream()
                                    .collect(
                                            Collectors.groupingBy(
                                                    e ->
                                                            e.path("responseStatus")
                                                                    .path("code")
                                                                    .asText(),
                                                    java.util.TreeMap::new,
                                                    Collectors.counting())));
            events.stream()
                    .filter(e -> e.path("responseStatus").path("code").asInt() >= 400)
                    .map(
                            e ->
                                    "  "
                                            + e.path("responseStatus").path("code").asText()
                                            + " "
                                            + e.path("verb").asText()
                                            + " "
                                            + e.path("requestURI").asText()
                                            + ": "
                                            + e.path("responseStatus").path("message").asText())
                    .distinct()
                    .forEach(report::add);
            List<String> refused =
                    events.stream()
                            .filter(e -> e.path("responseStatus").path("code").asInt() == 403)
                            .map(e -> e.path("verb").asText() + " " + e.path("requestURI").asText())
                            .distinct()
                            .toList();
            Rbac rbac = Rbac.of(chart, OPERATOR_NS, serviceAccount);
            report.add(
                    "requests of "
                            + user
                            + " (distinct: "
                            + requests.size()
                            + "), with their count:");
            requests.forEach(
                    (r, n) ->
                            report.add(
                                    String.format(
                                            "  %-70s %6d%s",
                                            r, n, rbac.allows(r) ? "" : "   NOT ALLOWED")));
            report.add("grants: " + rbac.grants.size());
            Files.write(TARGET.resolve("rbac-audit-" + name + ".txt"), report);
            System.out.println(String.join("\n", report));

            assertThat(refused).as("requests the real server refused (403)").isEmpty();
            assertThat(requests.keySet())
                    .as("requests of the operator")
                    .isNotEmpty()
                    .allSatisfy(
                            r ->
                                    assertThat(rbac.allows(r))
                                            .as("allowed by the chart: " + r)
                                            .isTrue());
            // update on leases is never sent (the lock patches), but JOSDK's start-up check asks
            // for it with a SelfSubjectRulesReview; theChartsRolesSufficeOnARealApiServer shows
            // the operator refusing to start without it.
            assertThat(rbac.unused(requests.keySet()))
                    .as("granted but never used")
                    .allMatch(p -> p.startsWith("update coordination.k8s.io/leases "));
            assertThat(requests.keySet())
                    .as("the operator reads Secrets (the ones its resources name) and watches them")
                    .anyMatch(r -> "secrets".equals(r.resource()) && r.verb().equals("watch"));
            assertThat(requests.keySet())
                    .as("no Secret is ever written")
                    .noneMatch(
                            r ->
                                    "secrets".equals(r.resource())
                                            && !Set.of("get", "list", "watch").contains(r.verb()));
        }
    }

    /**
     * The scenario, whichever API server: namespaces and Secrets, the operator's jar started as the
     * chart's Deployment says (two replicas with {@code full}), every kind applied and Ready, a
     * token rotated, pausing, then a fail-over (with {@code full}) and every resource deleted.
     */
    private static void scenario(
            KubernetesClient admin,
            PveSimulator sim,
            Path jar,
            Container container,
            String operatorKubeconfig,
            Path logs,
            boolean full,
            List<String> report)
            throws Exception {
        createNamespaces(admin);
        // (AuthenticationFailed is reported at once: the simulator's delay after a failed login
        // is off.)
        PveSecrets.create(admin, NS, sim);
        Path kubeconfig = Files.createDirectories(logs).resolve("kubeconfig");
        Files.writeString(kubeconfig, operatorKubeconfig);

        try (OperatorProcess a =
                        OperatorProcess.start(
                                jar, container, OPERATOR_NS, "pveha-a", kubeconfig, logs);
                OperatorProcess b =
                        full
                                ? OperatorProcess.start(
                                        jar, container, OPERATOR_NS, "pveha-b", kubeconfig, logs)
                                : null) {
            await("pveha-a ready")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> a.health("/readyz") == 200 || !a.isAlive());
            assertThat(a.isAlive()).as("pveha-a runs; log: " + a.log).isTrue();
            if (full) {
                await("a leader")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> leaseHolder(admin) != null);
            }

            apply(admin, sim);
            awaitReason(admin, ProxmoxCluster.class, "pve", "Ready");
            awaitReason(admin, HaVm.class, "pos-api-1", "Ready");
            awaitReason(admin, CephPool.class, "vm-pool", "Synced");
            awaitReason(admin, BackupPolicy.class, "nightly", "Ready");
            // The balancer hosts are never reached (nothing listens on that port): a status
            // says so.
            await("LoadBalancerPair status")
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () ->
                                    readyReason(admin, LoadBalancerPair.class, "store-lb")
                                            .isPresent());

            // A person rotates the API token to a wrong one, then back: the operator sees both
            // at once (it watches
            // the Secret), and the ProxmoxCluster's "Ready" Event happens a second time
            // (updated: count 2).
            putToken(admin, sim.apiTokenId(), "wrong");
            awaitReason(admin, ProxmoxCluster.class, "pve", "AuthenticationFailed");
            putToken(admin, sim.apiTokenId(), sim.apiTokenSecret());
            awaitReason(admin, ProxmoxCluster.class, "pve", "Ready");
            await("a repeated Event")
                    .atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    admin.v1().events().inNamespace(NS).list().getItems().stream()
                                            .anyMatch(
                                                    e -> e.getCount() != null && e.getCount() > 1));

            // A person pauses a resource, then lets it go again, twice (a repeated Event is
            // updated, not duplicated).
            for (int i = 0; i < 2; i++) {
                setPaused(admin, true);
                awaitReason(admin, HaVm.class, "pos-api-1", "ReconciliationPaused");
                setPaused(admin, false);
                awaitReason(admin, HaVm.class, "pos-api-1", "Ready");
            }
            assertThat(admin.v1().events().inNamespace(NS).list().getItems())
                    .as("Events written")
                    .isNotEmpty();
            report.add(
                    "health during the scenario: "
                            + health(a)
                            + (b == null ? "" : "; " + health(b)));

            if (full) {
                // Fail-over: the leader stops (SIGTERM, as in a rollout or a drain), the other
                // replica takes the Lease
                // and carries on: a new pool, then every resource deleted (finalizers removed
                // by the new leader).
                String first = leaseHolder(admin);
                OperatorProcess leader = first.equals(a.identity) ? a : b;
                OperatorProcess standby = leader == a ? b : a;
                report.add(
                        "footprint of the first leader "
                                + leader.identity
                                + ": "
                                + leader.footprint());
                report.add(
                        "first leader "
                                + leader.identity
                                + " stopped by SIGTERM, exit code "
                                + leader.stop());
                await("fail-over")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> standby.identity.equals(leaseHolder(admin)));
                admin.resource(pool("after-failover")).create();
                awaitReason(admin, CephPool.class, "after-failover", "Synced");
                deleteAll(admin);
                report.add(
                        "footprint of the second leader "
                                + standby.identity
                                + ": "
                                + standby.footprint());
                report.add(
                        "second leader "
                                + standby.identity
                                + " stopped by SIGTERM, exit code "
                                + standby.stop());
            } else {
                deleteAll(admin);
                report.add("footprint of " + a.identity + ": " + a.footprint());
                report.add("stopped by SIGTERM, exit code " + a.stop());
            }
        }
    }

    private static void putToken(KubernetesClient admin, String id, String secret) {
        admin.secrets()
                .inNamespace(NS)
                .resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName("pve-token")
                                .endMetadata()
                                .withStringData(Map.of("tokenId", id, "tokenSecret", secret))
                                .build())
                .update();
    }

    private static void setPaused(KubernetesClient admin, boolean paused) {
        admin.resources(HaVm.class)
                .inNamespace(NS)
                .withName("pos-api-1")
                .edit(
                        vm -> {
                            if (paused) {
                                vm.getMetadata().getAnnotations().put("pveha.io/paused", "true");
                            } else {
                                vm.getMetadata().getAnnotations().remove("pveha.io/paused");
                            }
                            return vm;
                        });
    }

    private static String health(OperatorProcess p) {
        return p.identity + " /healthz " + p.health("/healthz") + " /readyz " + p.health("/readyz");
    }

    private static String leaseHolder(KubernetesClient admin) {
        var lease = admin.leases().inNamespace(OPERATOR_NS).withName(LEASE).get();
        return lease == null || lease.getSpec() == null
                ? null
                : lease.getSpec().getHolderIdentity();
    }

    private static void apply(KubernetesClient admin, PveSimulator sim) throws IOException {
        sim.cluster()
                .createTemplate(
                        "pve1",
                        9000,
                        Map.of("name", "tpl", "memory", "1024", "scsi0", "ceph-vm:8"));
        String yaml;
        try (InputStream in =
                Objects.requireNonNull(
                        RbacAuditIT.class.getResourceAsStream("/rbac-scenario.yaml"))) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String endpoints =
                sim.nodeNames().stream()
                        .map(sim::nodeUrl)
                        .map(u -> "\"" + u + "\"")
                        .collect(Collectors.joining(", ", "[", "]"));
        yaml =
                yaml.replace("${NS}", NS)
                        .replace("${ENDPOINTS}", endpoints)
                        .replace("${LB_PORT}", Integer.toString(OperatorProcess.freePort()));
        for (HasMetadata resource :
                admin.load(new java.io.ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
                        .items()) {
            admin.resource(resource).create();
        }
    }

    private static CephPool pool(String name) {
        CephPool pool = new CephPool();
        pool.getMetadata().setName(name);
        pool.getMetadata().setNamespace(NS);
        pool.getMetadata().setAnnotations(Map.of("pveha.io/confirm-delete", name));
        io.pveha.api.ceph.CephPoolSpec spec = new io.pveha.api.ceph.CephPoolSpec();
        spec.setClusterRef(new io.pveha.api.ObjectRef("pve"));
        spec.setDeletionPolicy(io.pveha.api.DeletionPolicy.Delete);
        pool.setSpec(spec);
        return pool;
    }

    private static void deleteAll(KubernetesClient admin) {
        List<Class<? extends CustomResource<?, ?>>> kinds =
                List.of(
                        LoadBalancerPair.class,
                        BackupPolicy.class,
                        HaVm.class,
                        CephPool.class,
                        ProxmoxCluster.class);
        for (Class<? extends CustomResource<?, ?>> kind : kinds) {
            admin.resources(kind).inNamespace(NS).delete();
            await("all " + kind.getSimpleName() + " deleted")
                    .atMost(Duration.ofSeconds(90))
                    .until(() -> admin.resources(kind).inNamespace(NS).list().getItems().isEmpty());
        }
    }

    private static <T extends CustomResource<?, ? extends PvehaStatus>> void awaitReason(
            KubernetesClient admin, Class<T> kind, String name, String reason) {
        await(kind.getSimpleName() + " " + name + " " + reason)
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> readyReason(admin, kind, name).filter(reason::equals).isPresent());
    }

    private static <T extends CustomResource<?, ? extends PvehaStatus>>
            Optional<String> readyReason(KubernetesClient admin, Class<T> kind, String name) {
        T resource = admin.resources(kind).inNamespace(NS).withName(name).get();
        if (resource == null
                || resource.getStatus() == null
                || resource.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return resource.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .map(Condition::getReason)
                .findFirst();
    }
}
