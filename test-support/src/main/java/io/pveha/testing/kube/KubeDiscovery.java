package io.pveha.testing.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the mock API server lacks for kubectl: API discovery (so {@code kubectl get havm} resolves
 * the short name and {@code kubectl get pveha} the category) and server-side printing (so it shows
 * the CRDs' printer columns, as a real API server does). Built from CRD files on the class path (by
 * default every {@code META-INF/fabric8/*.yml}, where fabric8's CRD generator puts them), so it
 * always matches the model of whatever operator the class path holds; it knows no operator itself.
 */
public final class KubeDiscovery {
    /**
     * Where fabric8's CRD generator writes the CRDs into a build's class output (and so into its
     * jar).
     */
    public static final String CRD_DIRECTORY = "META-INF/fabric8/";

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern CONDITION_FILTER =
            Pattern.compile("^(.*)\\[\\?\\(@\\.(\\w+)==\"([^\"]*)\"\\)\\](.*)$");
    private static final Pattern INDEX = Pattern.compile("^(\\w+)\\[(\\d+)\\]$");
    private static final Pattern RESOURCE_PATH =
            Pattern.compile(
                    "^/apis/([^/]+)/([^/]+)/(?:namespaces/[^/]+/)?([a-z0-9.-]+)(?:/[^/]+)?$");

    private final List<CustomResourceDefinition> crds;

    /** Every CRD under {@link #CRD_DIRECTORY} on the class path, in file name order. */
    public KubeDiscovery() {
        this(crdResourcesOnClassPath());
    }

    /**
     * The CRDs in these class path resources, in this order (discovery lists them so, and so does
     * kubectl).
     */
    public KubeDiscovery(List<String> crdResources) {
        List<CustomResourceDefinition> loaded = new ArrayList<>();
        for (String resource : crdResources) {
            try (InputStream in =
                    KubeDiscovery.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException(
                            "generated CRD missing from the class path: " + resource);
                }
                loaded.add(Serialization.unmarshal(in, CustomResourceDefinition.class));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        this.crds = List.copyOf(loaded);
    }

    /**
     * The names of the CRD files under {@link #CRD_DIRECTORY} in class path directories and jars,
     * sorted.
     */
    public static List<String> crdResourcesOnClassPath() {
        TreeSet<String> names = new TreeSet<>();
        try {
            Enumeration<URL> roots =
                    KubeDiscovery.class.getClassLoader().getResources(CRD_DIRECTORY);
            while (roots.hasMoreElements()) {
                URL root = roots.nextElement();
                if ("file".equals(root.getProtocol())) {
                    try (Stream<Path> files = Files.list(Path.of(root.toURI()))) {
                        files.map(f -> f.getFileName().toString())
                                .filter(KubeDiscovery::isCrdFile)
                                .forEach(n -> names.add(CRD_DIRECTORY + n));
                    }
                } else if ("jar".equals(root.getProtocol())) {
                    JarURLConnection connection = (JarURLConnection) root.openConnection();
                    connection.setUseCaches(false);
                    try (JarFile jar = connection.getJarFile()) {
                        jar.stream()
                                .map(e -> e.getName())
                                .filter(
                                        n ->
                                                n.startsWith(CRD_DIRECTORY)
                                                        && n.indexOf('/', CRD_DIRECTORY.length())
                                                                < 0
                                                        && isCrdFile(
                                                                n.substring(
                                                                        CRD_DIRECTORY.length())))
                                .forEach(names::add);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return List.copyOf(names);
    }

    private static boolean isCrdFile(String name) {
        return name.endsWith(".yml") || name.endsWith(".yaml");
    }

    /** A discovery document for {@code path}, or empty when the path is not a discovery path. */
    Optional<String> discovery(String path, String serverAddress) {
        if (path.startsWith("/apis/")) {
            String[] parts = path.substring("/apis/".length()).split("/");
            if (parts.length == 2
                    && groupVersions().containsKey(parts[0])
                    && groupVersions().get(parts[0]).equals(parts[1])) {
                return Optional.of(customResources(parts[0], parts[1]));
            }
        }
        return Optional.ofNullable(
                switch (path) {
                    case "/version" ->
                            "{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.0-pveha-mock\",\"platform\":\"linux/amd64\"}";
                    case "/api" ->
                            "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\""
                                    + serverAddress
                                    + "\"}]}";
                    case "/apis" -> groups();
                    case "/api/v1" -> coreResources();
                    case "/apis/coordination.k8s.io/v1" ->
                            resourceList(
                                    "coordination.k8s.io/v1",
                                    List.of(
                                            resource(
                                                    "leases", "Lease", "lease", true, List.of(),
                                                    List.of())));
                    default -> null;
                });
    }

    /** Each CRD group with the version it serves (the first of the CRD), in CRD order. */
    private Map<String, String> groupVersions() {
        Map<String, String> groups = new LinkedHashMap<>();
        for (CustomResourceDefinition crd : crds) {
            groups.putIfAbsent(
                    crd.getSpec().getGroup(), crd.getSpec().getVersions().get(0).getName());
        }
        return groups;
    }

    private String groups() {
        ArrayNode groups = F.arrayNode();
        groupVersions().forEach((group, version) -> groups.add(group(group, version)));
        groups.add(group("coordination.k8s.io", "v1"));
        return F.objectNode()
                .put("kind", "APIGroupList")
                .put("apiVersion", "v1")
                .set("groups", groups)
                .toString();
    }

    private static ObjectNode group(String name, String version) {
        ObjectNode v =
                F.objectNode().put("groupVersion", name + "/" + version).put("version", version);
        ObjectNode g = F.objectNode().put("name", name);
        g.putArray("versions").add(v);
        g.set("preferredVersion", v.deepCopy());
        return g;
    }

    private String coreResources() {
        return resourceList(
                "v1",
                List.of(
                        resource(
                                "namespaces",
                                "Namespace",
                                "namespace",
                                false,
                                List.of("ns"),
                                List.of()),
                        resource("secrets", "Secret", "secret", true, List.of(), List.of()),
                        resource(
                                "configmaps",
                                "ConfigMap",
                                "configmap",
                                true,
                                List.of("cm"),
                                List.of()),
                        resource("events", "Event", "event", true, List.of("ev"), List.of())));
    }

    private String customResources(String group, String version) {
        List<ObjectNode> resources = new ArrayList<>();
        for (CustomResourceDefinition crd : crds) {
            if (!crd.getSpec().getGroup().equals(group)) {
                continue;
            }
            var names = crd.getSpec().getNames();
            boolean namespaced = !"Cluster".equals(crd.getSpec().getScope());
            resources.add(
                    resource(
                            names.getPlural(),
                            names.getKind(),
                            names.getSingular(),
                            namespaced,
                            names.getShortNames(),
                            names.getCategories()));
            ObjectNode status =
                    resource(
                            names.getPlural() + "/status",
                            names.getKind(),
                            "",
                            namespaced,
                            List.of(),
                            List.of());
            status.putArray("verbs").add("get").add("patch").add("update");
            resources.add(status);
        }
        return resourceList(group + "/" + version, resources);
    }

    private static ObjectNode resource(
            String name,
            String kind,
            String singular,
            boolean namespaced,
            List<String> shortNames,
            List<String> categories) {
        ObjectNode r =
                F.objectNode()
                        .put("name", name)
                        .put("singularName", singular)
                        .put("namespaced", namespaced)
                        .put("kind", kind);
        ArrayNode verbs = r.putArray("verbs");
        List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
                .forEach(verbs::add);
        if (shortNames != null && !shortNames.isEmpty()) {
            ArrayNode s = r.putArray("shortNames");
            shortNames.forEach(s::add);
        }
        if (categories != null && !categories.isEmpty()) {
            ArrayNode c = r.putArray("categories");
            categories.forEach(c::add);
        }
        return r;
    }

    private static String resourceList(String groupVersion, List<ObjectNode> resources) {
        ObjectNode list =
                F.objectNode()
                        .put("kind", "APIResourceList")
                        .put("apiVersion", "v1")
                        .put("groupVersion", groupVersion);
        ArrayNode items = list.putArray("resources");
        resources.forEach(items::add);
        return list.toString();
    }

    /**
     * The CRD of a custom resource list or object path, e.g.
     * /apis/pveha.io/v1alpha1/namespaces/x/havms[/name].
     */
    Optional<CustomResourceDefinition> crdFor(String path) {
        Matcher m = RESOURCE_PATH.matcher(path);
        if (!m.matches()) {
            return Optional.empty();
        }
        return crds.stream()
                .filter(
                        c ->
                                c.getSpec().getGroup().equals(m.group(1))
                                        && c.getSpec()
                                                .getVersions()
                                                .get(0)
                                                .getName()
                                                .equals(m.group(2))
                                        && c.getSpec().getNames().getPlural().equals(m.group(3)))
                .findFirst();
    }

    /**
     * Server-side printing: the list (or single object) as a meta.k8s.io/v1 Table with the CRD's
     * printer columns, dates as ages the way kube-apiserver renders them.
     */
    String table(CustomResourceDefinition crd, String body, Instant now) {
        JsonNode parsed;
        try {
            parsed = JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<JsonNode> items = new ArrayList<>();
        if (parsed.has("items")) {
            parsed.get("items").forEach(items::add);
        } else {
            items.add(parsed);
        }
        CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
        ObjectNode table = F.objectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        table.putObject("metadata")
                .put("resourceVersion", parsed.path("metadata").path("resourceVersion").asText(""));
        ArrayNode columns = table.putArray("columnDefinitions");
        columns.addObject()
                .put("name", "Name")
                .put("type", "string")
                .put("format", "name")
                .put("priority", 0)
                .put("description", "Name must be unique within a namespace.");
        List<CustomResourceColumnDefinition> printer = version.getAdditionalPrinterColumns();
        for (CustomResourceColumnDefinition c : printer) {
            columns.addObject()
                    .put("name", c.getName())
                    .put("type", c.getType())
                    .put("format", c.getFormat() == null ? "" : c.getFormat())
                    .put("priority", c.getPriority() == null ? 0 : c.getPriority())
                    .put("description", c.getDescription() == null ? "" : c.getDescription());
        }
        ArrayNode rows = table.putArray("rows");
        for (JsonNode item : items) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            cells.add(item.path("metadata").path("name").asText());
            for (CustomResourceColumnDefinition c : printer) {
                JsonNode value = evaluate(item, c.getJsonPath());
                if (value == null || value.isMissingNode() || value.isNull()) {
                    cells.addNull();
                } else if ("date".equals(c.getType())) {
                    cells.add(age(value.asText(), now));
                } else {
                    cells.add(value);
                }
            }
            ObjectNode partial =
                    F.objectNode()
                            .put("kind", "PartialObjectMetadata")
                            .put("apiVersion", "meta.k8s.io/v1");
            partial.set("metadata", item.path("metadata").deepCopy());
            row.set("object", partial);
        }
        return table.toString();
    }

    /** The CRDs served, in discovery order. */
    public List<CustomResourceDefinition> crds() {
        return crds;
    }

    /**
     * The JSONPath subset printer columns use: dotted fields, [n] indexes and one [?(@.f=="v")]
     * filter.
     */
    public static JsonNode evaluate(JsonNode root, String path) {
        Matcher filter = CONDITION_FILTER.matcher(path);
        if (filter.matches()) {
            JsonNode list = evaluate(root, filter.group(1));
            if (list == null || !list.isArray()) {
                return null;
            }
            for (JsonNode element : list) {
                if (filter.group(3).equals(element.path(filter.group(2)).asText())) {
                    return filter.group(4).isEmpty() ? element : evaluate(element, filter.group(4));
                }
            }
            return null;
        }
        JsonNode node = root;
        for (String part : path.split("\\.")) {
            if (part.isEmpty()) {
                continue;
            }
            Matcher index = INDEX.matcher(part);
            if (index.matches()) {
                node = node.path(index.group(1)).path(Integer.parseInt(index.group(2)));
            } else {
                node = node.path(part);
            }
            if (node.isMissingNode()) {
                return null;
            }
        }
        return node;
    }

    /**
     * kube-apiserver's duration.HumanDuration, as used for date columns ("45s", "12m", "3h4m",
     * "5d").
     */
    static String age(String timestamp, Instant now) {
        try {
            Duration d = Duration.between(Instant.parse(timestamp), now);
            long s = Math.max(0, d.getSeconds());
            if (s < 120) {
                return s + "s";
            }
            long m = s / 60;
            if (m < 10) {
                return m + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
            }
            if (m < 180) {
                return m + "m";
            }
            long h = m / 60;
            if (h < 8) {
                return h + "h" + (m % 60 == 0 ? "" : (m % 60) + "m");
            }
            if (h < 48) {
                return h + "h";
            }
            return (h / 24) + "d";
        } catch (DateTimeParseException e) {
            return timestamp;
        }
    }
}
