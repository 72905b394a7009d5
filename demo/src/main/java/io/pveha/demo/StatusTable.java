package io.pveha.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.pveha.testing.kube.KubeDiscovery;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code kubectl get pveha} would print, rendered in-process from the CRDs' printer columns
 * (the demo shows it live; kubectl against the demo's API server shows the same).
 */
final class StatusTable {
    private final KubeDiscovery discovery;

    StatusTable(KubeDiscovery discovery) {
        this.discovery = discovery;
    }

    String render(KubernetesClient client, String namespace) {
        StringBuilder out = new StringBuilder();
        for (CustomResourceDefinition crd : discovery.crds()) {
            ResourceDefinitionContext context =
                    new ResourceDefinitionContext.Builder()
                            .withGroup(crd.getSpec().getGroup())
                            .withVersion(crd.getSpec().getVersions().get(0).getName())
                            .withPlural(crd.getSpec().getNames().getPlural())
                            .withKind(crd.getSpec().getNames().getKind())
                            .withNamespaced(true)
                            .build();
            List<GenericKubernetesResource> items =
                    client
                            .genericKubernetesResources(context)
                            .inNamespace(namespace)
                            .list()
                            .getItems()
                            .stream()
                            .sorted(java.util.Comparator.comparing(r -> r.getMetadata().getName()))
                            .toList();
            if (items.isEmpty()) {
                continue;
            }
            List<CustomResourceColumnDefinition> columns =
                    crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
                            .filter(
                                    c ->
                                            (c.getPriority() == null || c.getPriority() == 0)
                                                    && !"date".equals(c.getType()))
                            .toList();
            List<List<String>> rows = new ArrayList<>();
            List<String> header = new ArrayList<>();
            header.add(crd.getSpec().getNames().getKind().toUpperCase(java.util.Locale.ROOT));
            columns.forEach(c -> header.add(c.getName().toUpperCase(java.util.Locale.ROOT)));
            header.add("REASON");
            rows.add(header);
            for (GenericKubernetesResource item : items) {
                JsonNode json =
                        client.getKubernetesSerialization().convertValue(item, JsonNode.class);
                List<String> row = new ArrayList<>();
                row.add(item.getMetadata().getName());
                for (CustomResourceColumnDefinition c : columns) {
                    JsonNode value = KubeDiscovery.evaluate(json, c.getJsonPath());
                    row.add(
                            value == null || value.isNull() || value.isMissingNode()
                                    ? "-"
                                    : value.asText());
                }
                JsonNode reason =
                        KubeDiscovery.evaluate(
                                json, ".status.conditions[?(@.type==\"Ready\")].reason");
                row.add(reason == null || reason.isMissingNode() ? "-" : reason.asText());
                rows.add(row);
            }
            out.append(format(rows)).append('\n');
        }
        return out.toString();
    }

    private static String format(List<List<String>> rows) {
        int columns = rows.get(0).size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                out.append(
                        i == columns - 1
                                ? row.get(i)
                                : String.format("%-" + (widths[i] + 3) + "s", row.get(i)));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
