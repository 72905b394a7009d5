package io.pveha.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pveha.api.ObjectRef;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmSpec;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.reconciler.Conditions;
import io.pveha.testing.RealTools;
import io.pveha.testing.kube.EmbeddedKube;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubectl against the embedded API server: discovery, short names, categories, printer columns,
 * apply.
 */
class KubectlIT {
    @TempDir Path dir;

    @Test
    void kubectlShowsPrinterColumnsAndAppliesManifests() throws Exception {
        RealTools.require("kubectl");
        try (EmbeddedKube kube = new EmbeddedKube();
                KubernetesClient client = kube.newClient()) {
            client.namespaces()
                    .resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName("store")
                                    .endMetadata()
                                    .build())
                    .create();
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, kube.kubeconfig("store"));
            HaVm vm = new HaVm();
            vm.getMetadata().setName("pos-api-1");
            vm.getMetadata().setNamespace("store");
            vm.setSpec(new HaVmSpec());
            vm.getSpec().setClusterRef(new ObjectRef("main"));
            HaVm created = client.resource(vm).create();
            HaVmStatus status = new HaVmStatus();
            status.setVmid(101);
            status.setNode("pve2");
            status.setPowerState("running");
            status.setHaState("started");
            status.setConditions(
                    Conditions.set(
                            List.of(), Conditions.READY, "True", "Ready", "ok", 1L, Instant.now()));
            created.setStatus(status);
            client.resource(created).updateStatus();

            String table =
                    RealTools.run(
                            List.of("kubectl", "--kubeconfig", kubeconfig.toString(), "get", "hvm"),
                            20);
            assertThat(table.lines().findFirst().orElse(""))
                    .containsPattern("NAME\\s+VMID\\s+NODE\\s+STATE\\s+HA\\s+READY\\s+AGE");
            assertThat(table)
                    .containsPattern(
                            "pos-api-1\\s+101\\s+pve2\\s+running\\s+started\\s+True\\s+\\d+s");

            Path manifest = dir.resolve("vm.yaml");
            Files.writeString(
                    manifest,
                    """
                    apiVersion: pveha.io/v1alpha1
                    kind: HaVm
                    metadata:
                      name: erp-db
                    spec:
                      clusterRef: {name: main}
                      source: {none: {}}
                    """);
            String applied =
                    RealTools.run(
                            List.of(
                                    "kubectl",
                                    "--kubeconfig",
                                    kubeconfig.toString(),
                                    "apply",
                                    "--validate=false",
                                    "-f",
                                    manifest.toString()),
                            20);
            assertThat(applied).contains("havm.pveha.io/erp-db created");
            assertThat(
                            RealTools.run(
                                    List.of(
                                            "kubectl",
                                            "--kubeconfig",
                                            kubeconfig.toString(),
                                            "get",
                                            "pveha"),
                                    20))
                    .contains("havm.pveha.io/pos-api-1")
                    .contains("havm.pveha.io/erp-db");
        }
    }
}
