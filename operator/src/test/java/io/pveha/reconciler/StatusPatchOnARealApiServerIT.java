package io.pveha.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.testing.kube.RealKubeApiServer;
import io.pveha.testing.kube.RealServerCrds;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How status is written, checked on a real kube-apiserver (the mock API server misled us twice
 * here): {@link StatusPatch}'s JSON Patch of the status subresource, guarded by a test of the
 * resourceVersion the reconcile read. A write from a stale read must be refused (so no decision
 * rests on a stale status), a fresh one stored, and a shorter list must replace the longer one.
 */
class StatusPatchOnARealApiServerIT {
    static RealKubeApiServer kube;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        kube = RealKubeApiServer.builder().start();
        client = kube.client();
        RealServerCrds.installAndAwait(client);
        client.resource(
                        new NamespaceBuilder()
                                .withNewMetadata()
                                .withName("shop")
                                .endMetadata()
                                .build())
                .create();
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

    /** The two things StatusPatch takes from JOSDK's context: the client, and no event sources. */
    @SuppressWarnings("unchecked")
    static Context<HaVm> context() {
        return (Context<HaVm>)
                Proxy.newProxyInstance(
                        Context.class.getClassLoader(),
                        new Class<?>[] {Context.class},
                        (proxy, method, args) ->
                                switch (method.getName()) {
                                    case "getClient" -> client;
                                    case "eventSourceRetriever" -> null;
                                    default ->
                                            throw new UnsupportedOperationException(
                                                    method.getName());
                                });
    }

    static HaVmStatus status(String node, List<String> addresses) {
        HaVmStatus status = new HaVmStatus();
        status.setVmid(201);
        status.setNode(node);
        status.setIpAddresses(addresses);
        return status;
    }

    @Test
    void aStaleWriteIsRefusedAFreshOneStoredAndListsReplaced() {
        HaVm vm =
                client.resource(
                                Serialization.unmarshal(
                                        """
                                        apiVersion: pveha.io/v1alpha1
                                        kind: HaVm
                                        metadata: {name: pos-api-1, namespace: shop}
                                        spec:
                                          clusterRef: {name: pve}
                                          source: {none: {}}
                                        """,
                                        HaVm.class))
                        .create();

        StatusPatch.Written<HaVm> first =
                StatusPatch.write(vm, status("pve1", List.of("10.0.0.1", "10.0.0.2")), context());
        assertThat(first.changed()).isTrue();
        assertThat(first.resource().getMetadata().getResourceVersion())
                .isNotEqualTo(vm.getMetadata().getResourceVersion());

        // The same stale read again: the test of its resourceVersion fails on the server.
        assertThatThrownBy(
                        () -> StatusPatch.write(vm, status("pve2", List.of("10.0.0.3")), context()))
                .isInstanceOf(StatusPatch.Conflict.class)
                .hasCauseInstanceOf(KubernetesClientException.class)
                .cause()
                .satisfies(
                        e ->
                                System.out.println(
                                        "stale status write answered "
                                                + ((KubernetesClientException) e).getCode()));

        StatusPatch.Written<HaVm> second =
                StatusPatch.write(first.resource(), status("pve2", List.of("10.0.0.3")), context());
        HaVm stored = client.resources(HaVm.class).inNamespace("shop").withName("pos-api-1").get();
        assertThat(stored.getStatus().getNode()).isEqualTo("pve2");
        assertThat(stored.getStatus().getIpAddresses()).containsExactly("10.0.0.3");
        assertThat(second.resource().getMetadata().getResourceVersion())
                .isEqualTo(stored.getMetadata().getResourceVersion());
        // The status subresource leaves the spec alone, and a spec write leaves the status alone.
        assertThat(stored.getSpec().getClusterRef().getName()).isEqualTo("pve");
    }
}
