package io.pveha.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.pveha.testing.Fixtures;
import io.pveha.testing.RealTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The kustomize base deploy/kustomize: the chart's defaults rendered, the CRDs copied, and what
 * kubectl kustomize makes of it.
 */
class KustomizeBaseTest {
    static final String NAME = "pve-ha-operator";

    static Path dir() {
        return Fixtures.repoRoot().resolve("deploy/kustomize");
    }

    /**
     * helm template pve-ha-operator helm/pve-ha-operator -n pve-ha-operator, labelled as managed by
     * kustomize.
     */
    static String rendered() {
        return "# Made from helm/pve-ha-operator with its default values (release and namespace pve-ha-operator) by\n"
                + "# KustomizeBaseTest; do not edit: change the chart, then run\n"
                + "#   mvn -B -pl packaging -am test -Dtest=KustomizeBaseTest -Dsurefire.failIfNoSpecifiedTests=false -Dpveha.update=true -Dimage.skip=true\n"
                + Chart.template(NAME, NAME, "")
                        .replace(
                                "app.kubernetes.io/managed-by: Helm",
                                "app.kubernetes.io/managed-by: kustomize");
    }

    @Test
    void renderedChartIsUpToDate() throws IOException {
        Path file = dir().resolve(NAME + ".yaml");
        String expected = rendered();
        if (Boolean.getBoolean("pveha.update")) {
            Files.writeString(file, expected);
        }
        assertThat(Files.readString(file))
                .as(file + " is out of date (see its header)")
                .isEqualTo(expected);
    }

    @Test
    @SuppressWarnings("unchecked")
    void argoCdApplicationExamplePointsAtTheChartAndNeverPrunes() throws IOException {
        Map<String, Object> app =
                ArgoHealthChecksTest.YAML.readValue(
                        Fixtures.repoRoot().resolve("deploy/argocd-application.yaml").toFile(),
                        Map.class);
        Map<String, Object> spec = (Map<String, Object>) app.get("spec");
        Map<String, Object> source = (Map<String, Object>) spec.get("source");
        assertThat(Fixtures.repoRoot().resolve((String) source.get("path")).resolve("Chart.yaml"))
                .exists();
        Map<String, Object> values =
                (Map<String, Object>)
                        ((Map<String, Object>) source.get("helm")).get("valuesObject");
        // The values the example sets pass the chart's schema and render.
        Chart.render(ArgoHealthChecksTest.YAML.writeValueAsString(values));
        Map<String, Object> sync = (Map<String, Object>) spec.get("syncPolicy");
        assertThat(((Map<String, Object>) sync.get("automated")).get("prune")).isEqualTo(false);
    }

    @Test
    void crdsAreByteIdenticalCopies() throws IOException {
        ChartTest.assertSameFiles(Fixtures.repoRoot().resolve("crds"), dir().resolve("crds"));
    }

    @Test
    void kubectlKustomizeBuildsTheWholeInstallation() throws Exception {
        RealTools.require("kubectl");
        // To a file: the CRDs make a large output (RealTools.run reads it only at the end, and the
        // pipe would fill).
        Path file = Files.createTempFile("kustomize", ".yaml");
        String out;
        try {
            Process p =
                    new ProcessBuilder("kubectl", "kustomize", dir().toString())
                            .redirectErrorStream(true)
                            .redirectOutput(file.toFile())
                            .start();
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
                    .as("kubectl kustomize done")
                    .isTrue();
            out = Files.readString(file);
            assertThat(p.exitValue()).as(out).isZero();
        } finally {
            Files.deleteIfExists(file);
        }
        List<HasMetadata> resources = Chart.parse(out);
        assertThat(Chart.all(resources, CustomResourceDefinition.class))
                .extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrder(
                        "proxmoxclusters.pveha.io",
                        "havms.pveha.io",
                        "cephpools.pveha.io",
                        "loadbalancerpairs.pveha.io",
                        "backuppolicies.pveha.io");
        assertThat(Chart.one(resources, Namespace.class).getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        Deployment deployment = Chart.one(resources, Deployment.class);
        assertThat(deployment.getMetadata().getNamespace()).isEqualTo(NAME);
        ChartTest.assertRestricted(deployment.getSpec().getTemplate().getSpec());
        assertThat(resources)
                .filteredOn(
                        r ->
                                !(r instanceof CustomResourceDefinition)
                                        && !(r instanceof Namespace)
                                        && !r.getKind().startsWith("Cluster"))
                .allSatisfy(
                        r ->
                                assertThat(r.getMetadata().getNamespace())
                                        .as(r.getKind())
                                        .isEqualTo(NAME));
        ChartTest.assertUniqueNames(resources);
    }
}
