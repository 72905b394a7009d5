package io.pveha.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kube-apiserver killed and started again alone, as the chaos harness's kube outage does: the new
 * process serves the same port with the same certificate and token file (clients made before the
 * kill work again unchanged) and the same etcd (nothing written before is lost).
 */
class RealKubeApiServerIT {
    @Test
    void aRestartedApiServerKeepsPortCredentialsAndObjects() throws Exception {
        try (RealKubeApiServer kube = RealKubeApiServer.builder().start();
                KubernetesClient client = kube.client()) {
            client.resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName("kept")
                                    .endMetadata()
                                    .build())
                    .create();
            ConfigMap written =
                    client.resource(
                                    new ConfigMapBuilder()
                                            .withNewMetadata()
                                            .withName("before-the-kill")
                                            .withNamespace("kept")
                                            .endMetadata()
                                            .withData(Map.of("k", "v"))
                                            .build())
                            .create();
            String url = kube.url();
            long first = kube.apiServerPid();

            kube.killApiServer();
            assertThat(ProcessHandle.of(first).map(ProcessHandle::isAlive))
                    .isNotEqualTo(java.util.Optional.of(true));
            assertThatThrownBy(
                            () ->
                                    client.configMaps()
                                            .inNamespace("kept")
                                            .withName("before-the-kill")
                                            .get())
                    .isInstanceOf(KubernetesClientException.class);

            kube.startApiServer();
            assertThat(kube.apiServerPid()).isNotEqualTo(first);
            assertThat(kube.url()).isEqualTo(url);
            ConfigMap read =
                    client.configMaps().inNamespace("kept").withName("before-the-kill").get();
            assertThat(read).isNotNull();
            assertThat(read.getMetadata().getUid()).isEqualTo(written.getMetadata().getUid());
            assertThat(read.getMetadata().getResourceVersion())
                    .isEqualTo(written.getMetadata().getResourceVersion());
            assertThat(read.getData()).containsEntry("k", "v");
        }
    }
}
