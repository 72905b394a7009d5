package io.pveha.packaging;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pveha.testing.Fixtures;
import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The Helm chart in {@code helm/pve-ha-operator}, rendered with Helm itself (helm-java: Helm 3
 * through a native library, no binary, no cluster) and read back into fabric8's Kubernetes types,
 * failing on any field those types do not know.
 */
final class Chart {
    static final String RELEASE = "pveha";
    static final String NAMESPACE = "pveha-system";

    /**
     * The oldest Kubernetes the chart supports (Chart.yaml kubeVersion): the version Helm renders
     * for.
     */
    static final String KUBE_VERSION = "v1.25.0";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Chart() {}

    static Path dir() {
        return Fixtures.repoRoot().resolve("helm/pve-ha-operator");
    }

    /** {@code helm template RELEASE dir -n NAMESPACE -f values} (values: YAML, may be empty). */
    static String template(String values) {
        return template(RELEASE, NAMESPACE, values);
    }

    static String template(String release, String namespace, String values) {
        try {
            Path file = Files.createTempFile("values", ".yaml");
            try {
                Files.writeString(file, values);
                return new Helm(dir())
                        .template()
                        .withName(release)
                        .withNamespace(namespace)
                        .withKubeVersion(KUBE_VERSION)
                        .withValuesFile(file)
                        .call();
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The rendered documents as Kubernetes types; fails on an unknown field anywhere or a document
     * of no known kind.
     */
    static List<HasMetadata> render(String values) {
        return parse(template(values));
    }

    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                continue;
            }
            Object parsed = SERIALIZATION.unmarshal(document);
            if (!(parsed instanceof HasMetadata resource)) {
                throw new AssertionError("not a Kubernetes object: " + document);
            }
            if (resource instanceof io.fabric8.kubernetes.api.model.GenericKubernetesResource) {
                throw new AssertionError(
                        "no Kubernetes type for "
                                + resource.getApiVersion()
                                + " "
                                + resource.getKind());
            }
            List<String> unknown = new ArrayList<>();
            unknownFields(resource, resource.getKind(), unknown);
            if (!unknown.isEmpty()) {
                throw new AssertionError(
                        "unknown fields in "
                                + resource.getKind()
                                + "/"
                                + resource.getMetadata().getName()
                                + ": "
                                + unknown);
            }
            out.add(resource);
        }
        return out;
    }

    /**
     * Fields fabric8's types set aside (additionalProperties) because no property of the type has
     * that name.
     */
    static void unknownFields(Object value, String path, List<String> out) {
        if (value == null
                || value instanceof String
                || value instanceof Number
                || value instanceof Boolean
                || value instanceof Enum<?>) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", out);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, out));
            return;
        }
        if (!(value instanceof KubernetesResource)) {
            return;
        }
        try {
            for (PropertyDescriptor property :
                    Introspector.getBeanInfo(value.getClass(), Object.class)
                            .getPropertyDescriptors()) {
                if (property.getReadMethod() == null) {
                    continue;
                }
                Object child = property.getReadMethod().invoke(value);
                if (property.getName().equals("additionalProperties")) {
                    if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        extra.keySet().forEach(k -> out.add(path + "." + k));
                    }
                } else {
                    unknownFields(child, path + "." + property.getName(), out);
                }
            }
        } catch (IntrospectionException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
    }

    static <T extends HasMetadata> List<T> all(List<HasMetadata> resources, Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends HasMetadata> T one(List<HasMetadata> resources, Class<T> type) {
        List<T> found = all(resources, type);
        if (found.size() != 1) {
            throw new AssertionError(
                    "expected one " + type.getSimpleName() + ", got " + found.size());
        }
        return found.get(0);
    }
}
