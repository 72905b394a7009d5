package io.pveha.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.testing.kube.RealKubeApiServer;
import io.pveha.testing.kube.RealServerCrds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The CRDs on a real kube-apiserver (built from Kubernetes' Go modules): it refuses non-structural
 * schemas and CEL rules over their cost budget, which the mock API server never did (two of the
 * five CRDs were refused until their compared strings got a maxLength). Then the examples apply,
 * and kubectl's get, -o wide, the pveha category, the short names and explain work from the real
 * server's discovery and Table printing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrdsOnARealApiServerIT {
    static final Path REPO = RealServerCrds.repo();
    static final String NS = "store-platform";
    static RealKubeApiServer kube;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        kube = RealKubeApiServer.builder().start();
        client = kube.client();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (kube != null) {
            kube.close();
        }
    }

    @Test
    @Order(1)
    void allFiveCrdsAreAcceptedAndEstablished() throws Exception {
        assertThat(RealServerCrds.installAndAwait(client))
                .containsExactlyInAnyOrder(
                        "backuppolicies.pveha.io",
                        "cephpools.pveha.io",
                        "havms.pveha.io",
                        "loadbalancerpairs.pveha.io",
                        "proxmoxclusters.pveha.io");
    }

    @Test
    @Order(2)
    void theExamplesApplyAndKubectlPrintsThemFromTheRealServersTables() throws Exception {
        String applied = kube.kubectl("apply", "-f", REPO.resolve("examples").toString());
        assertThat(applied)
                .contains(
                        "proxmoxcluster.pveha.io/pve created",
                        "havm.pveha.io/pos-api-1 created",
                        "loadbalancerpair.pveha.io/store-lb created",
                        "backuppolicy.pveha.io/nightly created",
                        "cephpool.pveha.io/vm-pool created");

        // The status an operator writes, through the status subresource, as the model
        // serializes it: the printer columns must find its fields.
        HaVm vm = client.resources(HaVm.class).inNamespace(NS).withName("pos-api-1").get();
        HaVmStatus status = new HaVmStatus();
        status.setVmid(201);
        status.setNode("pve2");
        status.setPowerState("running");
        status.setHaState("started");
        status.setIpAddresses(List.of("10.20.0.21"));
        Condition ready =
                new ConditionBuilder()
                        .withType("Ready")
                        .withStatus("True")
                        .withReason("Ready")
                        .withMessage("running on pve2")
                        .withLastTransitionTime("2026-12-06T08:00:00Z")
                        .build();
        status.setConditions(new ArrayList<>(List.of(ready)));
        vm.setStatus(status);
        client.resource(vm).patchStatus();

        String get = kube.kubectl("get", "havm", "-n", NS);
        assertThat(get.lines().findFirst().orElse(""))
                .containsSubsequence("NAME", "VMID", "NODE", "STATE", "HA", "READY", "AGE");
        assertThat(get)
                .containsPattern("pos-api-1\\s+201\\s+pve2\\s+running\\s+started\\s+True")
                .contains("erp-db", "payment-gateway", "debian-12-template");

        String wide = kube.kubectl("get", "havm", "pos-api-1", "-n", NS, "-o", "wide");
        assertThat(wide).containsPattern("True\\s+Ready\\s+10\\.20\\.0\\.21");

        String category = kube.kubectl("get", "pveha", "-n", NS);
        assertThat(category)
                .contains(
                        "proxmoxcluster.pveha.io/pve",
                        "cephpool.pveha.io/vm-pool",
                        "havm.pveha.io/pos-api-1",
                        "loadbalancerpair.pveha.io/store-lb",
                        "backuppolicy.pveha.io/nightly");

        for (String shortName :
                List.of(
                        "hvm",
                        "pvecluster",
                        "pvec",
                        "pvepool",
                        "lbpair",
                        "lbp",
                        "pvebp",
                        "pvebackup")) {
            assertThat(kube.kubectl("get", shortName, "-n", NS, "-o", "name"))
                    .as(shortName)
                    .contains(".pveha.io/");
        }

        assertThat(kube.kubectl("explain", "havm.spec.ha"))
                .contains("KIND:       HaVm", "placementPolicy", "keepApartFrom");
        assertThat(kube.kubectl("explain", "proxmoxcluster.spec.endpoints"))
                .contains("ProxmoxCluster");
    }
}
