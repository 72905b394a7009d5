package io.pveha.packaging;

import static io.pveha.packaging.Chart.NAMESPACE;
import static io.pveha.packaging.Chart.all;
import static io.pveha.packaging.Chart.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.pveha.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Helm chart: lint, what the defaults and every option render, and what the values schema
 * refuses.
 */
class ChartTest {
    static final String VERSION = System.getProperty("project.version", "0.1.0-SNAPSHOT");

    @Test
    void lintsCleanInStrictMode() {
        LintResult lint = new Helm(Chart.dir()).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        assertThat(lint.getMessages())
                .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void chartAndAppVersionAreTheProjectVersion() throws IOException {
        String chart = Files.readString(Chart.dir().resolve("Chart.yaml"));
        assertThat(chart)
                .contains("\nversion: " + VERSION + "\n")
                .contains("\nappVersion: \"" + VERSION + "\"\n");
    }

    @Test
    void crdsAreByteIdenticalCopiesOfTheGeneratedOnes() throws IOException {
        assertSameFiles(Fixtures.repoRoot().resolve("crds"), Chart.dir().resolve("crds"));
    }

    static void assertSameFiles(Path expected, Path actual) throws IOException {
        List<String> names;
        try (Stream<Path> files = Files.list(expected)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        try (Stream<Path> files = Files.list(actual)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .as("files in " + actual)
                    .isEqualTo(names);
        }
        for (String name : names) {
            assertThat(Files.readAllBytes(actual.resolve(name)))
                    .as(actual.resolve(name) + " (cp " + expected + "/*.yml " + actual + "/)")
                    .isEqualTo(Files.readAllBytes(expected.resolve(name)));
        }
    }

    @Test
    void defaultsRenderALeastPrivilegeRestrictedOperator() {
        List<HasMetadata> out = Chart.render("");
        assertThat(out)
                .extracting(HasMetadata::getKind)
                .containsExactlyInAnyOrder(
                        "ServiceAccount",
                        "ClusterRole",
                        "ClusterRoleBinding",
                        "Role",
                        "RoleBinding",
                        "Service",
                        "Deployment");
        assertUniqueNames(out);

        Deployment deployment = one(out, Deployment.class);
        assertThat(deployment.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment.getSpec().getStrategy()).isNull();
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container operator = pod.getContainers().get(0);
        assertThat(operator.getImage())
                .isEqualTo("registry.example.com/pveha/pve-ha-operator:" + VERSION);
        assertThat(operator.getArgs())
                .containsExactly(
                        "run", "--health-port=8080", "--log-format=text", "--leader-election");
        assertThat(env(operator))
                .containsEntry("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=50 -XX:+UseSerialGC");
        assertThat(operator.getEnv())
                .filteredOn(e -> e.getName().equals("POD_NAMESPACE"))
                .singleElement()
                .extracting(e -> e.getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.namespace");
        assertThat(operator.getEnv())
                .filteredOn(e -> e.getName().equals("POD_NAME"))
                .singleElement()
                .extracting(e -> e.getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.name");
        assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(operator.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(operator.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(operator.getResources().getLimits()).containsOnlyKeys("memory");
        assertThat(pod.getServiceAccountName())
                .isEqualTo(one(out, ServiceAccount.class).getMetadata().getName());
        assertRestricted(pod);

        assertThat(one(out, ClusterRoleBinding.class).getSubjects())
                .singleElement()
                .satisfies(s -> assertThat(s.getNamespace()).isEqualTo(NAMESPACE));
        assertThat(one(out, Role.class).getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(one(out, Role.class).getRules())
                .singleElement()
                .satisfies(r -> assertThat(r.getResources()).containsExactly("leases"));
        assertNoWildcards(out);
        // No Proxmox credentials in the chart: they stay in Secrets the custom resources reference.
        assertThat(out).extracting(HasMetadata::getKind).doesNotContain("Secret", "ConfigMap");
        assertThat(operator.getEnv())
                .extracting(EnvVar::getName)
                .noneMatch(n -> n.contains("TOKEN") || n.contains("PASSWORD"));
    }

    /**
     * The restricted Pod Security Standard
     * (kubernetes.io/docs/concepts/security/pod-security-standards), and a writable /tmp.
     */
    static void assertRestricted(PodSpec pod) {
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostIPC()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isNotZero();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType())
                .isEqualTo("RuntimeDefault");
        assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
        for (Container c : pod.getContainers()) {
            var sc = c.getSecurityContext();
            assertThat(sc.getAllowPrivilegeEscalation()).as("allowPrivilegeEscalation").isFalse();
            assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
            assertThat(sc.getReadOnlyRootFilesystem()).as("readOnlyRootFilesystem").isTrue();
            assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
            assertThat(c.getPorts()).allSatisfy(p -> assertThat(p.getHostPort()).isNull());
            assertThat(c.getVolumeMounts())
                    .anySatisfy(
                            m -> {
                                assertThat(m.getMountPath()).isEqualTo("/tmp");
                                assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE);
                                assertThat(pod.getVolumes())
                                        .anySatisfy(
                                                v -> {
                                                    assertThat(v.getName()).isEqualTo(m.getName());
                                                    assertThat(v.getEmptyDir()).isNotNull();
                                                });
                            });
        }
    }

    static void assertUniqueNames(List<HasMetadata> out) {
        Set<String> seen = new HashSet<>();
        for (HasMetadata r : out) {
            String key =
                    r.getApiVersion()
                            + " "
                            + r.getKind()
                            + " "
                            + r.getMetadata().getNamespace()
                            + "/"
                            + r.getMetadata().getName();
            assertThat(seen.add(key)).as("duplicate " + key).isTrue();
        }
    }

    static void assertNoWildcards(List<HasMetadata> out) {
        Stream.concat(
                        all(out, ClusterRole.class).stream().flatMap(r -> r.getRules().stream()),
                        all(out, Role.class).stream().flatMap(r -> r.getRules().stream()))
                .forEach(
                        rule -> {
                            assertThat(rule.getApiGroups()).doesNotContain("*");
                            assertThat(rule.getResources()).noneMatch(r -> r.contains("*"));
                            assertThat(rule.getVerbs()).doesNotContain("*");
                            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
                        });
    }

    static Map<String, String> env(Container c) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (EnvVar e : c.getEnv()) {
            if (e.getValue() != null) {
                out.put(e.getName(), e.getValue());
            }
        }
        return out;
    }

    static final String EVERY_OPTION =
            """
            image:
              repository: registry.internal:5000/platform/pve-ha-operator
              digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
              pullPolicy: Always
              pullSecrets: [registry-credentials]
            replicas: 2
            leaderElection: {enabled: true}
            watchNamespaces: [store-north, store-south, pveha-system]
            logFormat: json
            jvmOptions: "-XX:MaxRAMPercentage=60 -XX:+UseSerialGC"
            resources:
              requests: {cpu: 250m, memory: 384Mi}
              limits: {cpu: "1", memory: 768Mi}
            healthPort: 9090
            statusPage: {enabled: true, port: 9091, tokenSecret: {name: status-page, key: bearer}}
            probes:
              liveness: {periodSeconds: 20, timeoutSeconds: 3, failureThreshold: 5}
              startup: {periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 30, initialDelaySeconds: 2}
              readiness: {periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 2}
            extraEnv:
              - {name: TZ, value: Europe/Berlin}
              - name: HTTPS_PROXY
                valueFrom: {secretKeyRef: {name: proxy, key: url}}
            extraArgs: ["--identity-suffix", "x"]
            serviceAccount: {create: true, name: pveha-operator, annotations: {team: platform}}
            rbac: {create: true}
            service: {type: ClusterIP, annotations: {prometheus.io/scrape: "true"}}
            serviceMonitor: {enabled: true, interval: 15s, scrapeTimeout: 5s, labels: {release: prometheus}}
            podDisruptionBudget: {enabled: true, minAvailable: 1}
            podSecurityContext:
              runAsNonRoot: true
              runAsUser: 10001
              runAsGroup: 10001
              seccompProfile: {type: RuntimeDefault}
            securityContext:
              allowPrivilegeEscalation: false
              readOnlyRootFilesystem: true
              runAsNonRoot: true
              capabilities: {drop: [ALL]}
            tmpSizeLimit: 128Mi
            terminationGracePeriodSeconds: 45
            podAnnotations: {example.com/owner: platform}
            podLabels: {team: platform}
            nodeSelector: {kubernetes.io/os: linux}
            tolerations:
              - {key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}
            affinity:
              podAntiAffinity:
                preferredDuringSchedulingIgnoredDuringExecution:
                  - weight: 100
                    podAffinityTerm:
                      topologyKey: kubernetes.io/hostname
                      labelSelector: {matchLabels: {app.kubernetes.io/name: pve-ha-operator}}
            topologySpreadConstraints:
              - maxSkew: 1
                topologyKey: topology.kubernetes.io/zone
                whenUnsatisfiable: ScheduleAnyway
                labelSelector: {matchLabels: {app.kubernetes.io/name: pve-ha-operator}}
            priorityClassName: system-cluster-critical
            """;

    @Test
    void everyOptionRenders() {
        List<HasMetadata> out = Chart.render(EVERY_OPTION);
        assertUniqueNames(out);
        assertNoWildcards(out);
        Deployment deployment = one(out, Deployment.class);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container operator = pod.getContainers().get(0);
        assertThat(operator.getImage())
                .isEqualTo(
                        "registry.internal:5000/platform/pve-ha-operator@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        assertThat(operator.getImagePullPolicy()).isEqualTo("Always");
        assertThat(pod.getImagePullSecrets())
                .extracting(s -> s.getName())
                .containsExactly("registry-credentials");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(operator.getArgs())
                .containsExactly(
                        "run",
                        "--health-port=9090",
                        "--log-format=json",
                        "--leader-election",
                        "--namespaces=store-north,store-south,pveha-system",
                        "--status-port=9091",
                        "--identity-suffix",
                        "x");
        assertThat(env(operator))
                .containsEntry("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=60 -XX:+UseSerialGC")
                .containsEntry("TZ", "Europe/Berlin");
        assertThat(operator.getEnv())
                .filteredOn(e -> e.getName().equals("HTTPS_PROXY"))
                .singleElement()
                .satisfies(
                        e ->
                                assertThat(e.getValueFrom().getSecretKeyRef().getName())
                                        .isEqualTo("proxy"));
        assertThat(operator.getEnv())
                .filteredOn(e -> e.getName().equals("PVEHA_STATUS_TOKEN"))
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getValue()).isNull();
                            assertThat(e.getValueFrom().getSecretKeyRef().getName())
                                    .isEqualTo("status-page");
                            assertThat(e.getValueFrom().getSecretKeyRef().getKey())
                                    .isEqualTo("bearer");
                        });
        assertThat(operator.getPorts())
                .extracting(p -> p.getName() + "=" + p.getContainerPort())
                .containsExactly("http=9090", "status=9091");
        assertThat(operator.getLivenessProbe().getPeriodSeconds()).isEqualTo(20);
        assertThat(operator.getStartupProbe().getInitialDelaySeconds()).isEqualTo(2);
        assertThat(operator.getReadinessProbe().getFailureThreshold()).isEqualTo(2);
        assertThat(operator.getResources().getLimits())
                .containsEntry("cpu", new Quantity("1"))
                .containsEntry("memory", new Quantity("768Mi"));
        assertThat(pod.getVolumes())
                .singleElement()
                .satisfies(
                        v ->
                                assertThat(v.getEmptyDir().getSizeLimit())
                                        .isEqualTo(new Quantity("128Mi")));
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(45L);
        assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
        assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
        assertThat(pod.getTolerations())
                .singleElement()
                .satisfies(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
        assertThat(
                        pod.getAffinity()
                                .getPodAntiAffinity()
                                .getPreferredDuringSchedulingIgnoredDuringExecution())
                .hasSize(1);
        assertThat(pod.getTopologySpreadConstraints())
                .singleElement()
                .satisfies(t -> assertThat(t.getMaxSkew()).isEqualTo(1));
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("team", "platform");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("example.com/owner", "platform");
        assertThat(pod.getServiceAccountName()).isEqualTo("pveha-operator");
        assertThat(one(out, ServiceAccount.class).getMetadata().getAnnotations())
                .containsEntry("team", "platform");
        assertRestricted(pod);

        // One RoleBinding per watched namespace (the release namespace too, under a name apart from
        // the Lease's).
        assertThat(all(out, RoleBinding.class))
                .extracting(b -> b.getMetadata().getNamespace() + "/" + b.getMetadata().getName())
                .containsExactlyInAnyOrder(
                        "store-north/pveha-pve-ha-operator",
                        "store-south/pveha-pve-ha-operator",
                        "pveha-system/pveha-pve-ha-operator",
                        "pveha-system/pveha-pve-ha-operator-leader-election");
        assertThat(all(out, ClusterRoleBinding.class)).isEmpty();
        assertThat(all(out, RoleBinding.class))
                .allSatisfy(
                        b ->
                                assertThat(b.getSubjects())
                                        .singleElement()
                                        .satisfies(
                                                s -> {
                                                    assertThat(s.getName())
                                                            .isEqualTo("pveha-operator");
                                                    assertThat(s.getNamespace())
                                                            .isEqualTo(NAMESPACE);
                                                }));

        Service service = one(out, Service.class);
        assertThat(service.getSpec().getPorts())
                .extracting(
                        p -> p.getName() + "=" + p.getPort() + "->" + p.getTargetPort().getStrVal())
                .containsExactly("http=9090->http", "status=9091->status");
        ServiceMonitor monitor = one(out, ServiceMonitor.class);
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
        assertThat(monitor.getSpec().getEndpoints())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getPath()).isEqualTo("/metrics");
                            assertThat(e.getInterval()).isEqualTo("15s");
                        });
        assertThat(monitor.getSpec().getSelector().getMatchLabels())
                .isEqualTo(service.getSpec().getSelector());
        PodDisruptionBudget pdb = one(out, PodDisruptionBudget.class);
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getMaxUnavailable()).isNull();
        assertThat(pdb.getSpec().getSelector().getMatchLabels())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void statusPageDefaultsToTheHealthPortWithoutATokenAndCanBeTurnedOff() {
        Container defaults = container(Chart.render(""));
        assertThat(defaults.getArgs()).noneMatch(a -> a.startsWith("--status-port"));
        assertThat(defaults.getArgs()).doesNotContain("--no-status-page");
        assertThat(defaults.getEnv()).noneMatch(e -> e.getName().equals("PVEHA_STATUS_TOKEN"));
        assertThat(defaults.getPorts()).extracting(p -> p.getName()).containsExactly("http");

        List<HasMetadata> off =
                Chart.render(
                        "statusPage: {enabled: false, port: 9091, tokenSecret: {name: s, key: k}}");
        assertThat(container(off).getArgs()).contains("--no-status-page");
        assertThat(container(off).getArgs()).noneMatch(a -> a.startsWith("--status-port"));
        assertThat(container(off).getEnv())
                .noneMatch(e -> e.getName().equals("PVEHA_STATUS_TOKEN"));
        assertThat(one(off, Service.class).getSpec().getPorts())
                .extracting(p -> p.getName())
                .containsExactly("http");

        assertThatThrownBy(() -> Chart.render("statusPage: {port: 8080}"))
                .hasMessageContaining("statusPage.port");
    }

    static Container container(List<HasMetadata> out) {
        return one(out, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void pdbDefaultsToMaxUnavailableOne() {
        PodDisruptionBudget pdb =
                one(
                        Chart.render("podDisruptionBudget: {enabled: true}"),
                        PodDisruptionBudget.class);
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getMinAvailable()).isNull();
    }

    @Test
    void tagDefaultsToTheAppVersionAndCanBeSet() {
        assertThat(
                        one(Chart.render("image: {tag: 0.0.9}"), Deployment.class)
                                .getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getImage())
                .isEqualTo("registry.example.com/pveha/pve-ha-operator:0.0.9");
    }

    @Test
    void withoutLeaderElectionOneReplicaIsRecreatedAndNoLeaseIsGranted() {
        List<HasMetadata> out = Chart.render("leaderElection: {enabled: false}");
        Deployment deployment = one(out, Deployment.class);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .contains("--no-leader-election");
        assertThat(all(out, Role.class)).isEmpty();
        assertThat(all(out, RoleBinding.class)).isEmpty();
    }

    @Test
    void moreThanOneReplicaNeedsLeaderElection() {
        assertThatThrownBy(() -> Chart.template("replicas: 2\nleaderElection: {enabled: false}"))
                .hasMessageContaining("replicas > 1 needs leaderElection.enabled=true");
    }

    @Test
    void withoutRbacOrServiceAccountNothingOfThemIsRendered() {
        List<HasMetadata> out =
                Chart.render(
                        "rbac: {create: false}\nserviceAccount: {create: false, name: existing}");
        assertThat(out)
                .extracting(HasMetadata::getKind)
                .containsExactlyInAnyOrder("Service", "Deployment");
        assertThat(
                        one(out, Deployment.class)
                                .getSpec()
                                .getTemplate()
                                .getSpec()
                                .getServiceAccountName())
                .isEqualTo("existing");
        assertThatThrownBy(() -> Chart.template("serviceAccount: {create: false}"))
                .hasMessageContaining("serviceAccount.name is required");
    }

    @Test
    void theClusterWideRoleIsTheOnlyGrantOutsideTheReleaseNamespace() {
        List<HasMetadata> out = Chart.render("");
        List<PolicyRule> rules = one(out, ClusterRole.class).getRules();
        assertThat(rules)
                .flatExtracting(PolicyRule::getResources)
                .doesNotContain("leases", "pods", "configmaps", "deployments");
    }

    /** Values the schema refuses, with a word of Helm's message that names the problem. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            unknownTopLevel: true                                   | unknownTopLevel
            image: {tags: latest}                                   | tags
            image: {pullPolicy: Sometimes}                          | pullPolicy
            image: {digest: 'sha256:abc'}                           | digest
            image: {repository: 'Registry/Operator'}                | repository
            replicas: 0                                             | replicas
            replicas: two                                           | replicas
            leaderElection: {enabled: 'yes'}                        | enabled
            watchNamespaces: [Store]                                | watchNamespaces
            watchNamespaces: [store, store]                         | watchNamespaces
            watchNamespaces: store                                  | watchNamespaces
            logFormat: xml                                          | logFormat
            resources: {requests: {memory: lots}}                   | memory
            resources: {limit: {memory: 1Gi}}                       | limit
            healthPort: 80                                          | healthPort
            statusPage: {port: 80}                                  | port
            statusPage: {enabled: 'no'}                             | enabled
            statusPage: {tokenSecret: {name: Status_Token}}         | name
            probes: {liveness: {periodSeconds: 0}}                  | periodSeconds
            probes: {liveness: {path: /live}}                       | path
            extraEnv: [{value: x}]                                  | name
            extraArgs: [1]                                          | extraArgs
            serviceAccount: {create: true, name: Operator}          | name
            service: {type: ExternalName}                           | type
            serviceMonitor: {enabled: true, interval: soon}         | interval
            podDisruptionBudget: {enabled: true, minAvailable: -1}  | minAvailable
            tmpSizeLimit: big                                       | tmpSizeLimit
            nodeSelector: {disk: 1}                                 | disk
            priorityClassName: High                                 | priorityClassName
            """)
    void schemaRefuses(String values, String named) {
        assertThatThrownBy(() -> Chart.template(values))
                .as(values)
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(named);
    }

    @Test
    void typosInKubernetesObjectsPassedThroughAreCaughtByTheTypes() {
        assertThatThrownBy(() -> Chart.render("securityContext: {readOnlyRootFilesytem: true}"))
                .hasMessageContaining("readOnlyRootFilesytem");
        assertThatThrownBy(() -> Chart.render("affinity: {nodeAfinity: {}}"))
                .hasMessageContaining("nodeAfinity");
        assertThatThrownBy(() -> Chart.render("tolerations: [{key: a, operater: Exists}]"))
                .hasMessageContaining("operater");
    }
}
