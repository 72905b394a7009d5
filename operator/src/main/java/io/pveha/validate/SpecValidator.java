package io.pveha.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pveha.api.Pveha;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Validates one pveha.io object the way kube-apiserver would with our CRDs installed: kind and
 * version, unknown fields (kubectl --validate=strict), metadata, the OpenAPI schema, the checks no
 * schema expresses ({@link SemanticChecks}: calendar events, label selectors, ...), then the CEL
 * rules, which like the apiserver's are skipped when a blocking schema error (wrong type, missing
 * required field, enum, too long, too many) would make them meaningless.
 *
 * <p>Built once from the CRD YAML (schemas parsed, patterns and CEL programs compiled), then
 * immutable and thread-safe: reconcilers share {@link #forBundledCrds()}.
 */
public final class SpecValidator {
    static final String CEL_SKIPPED =
            "some validation rules were not checked because the object was invalid;"
                    + " correct the existing errors to complete validation";

    /**
     * For fabric8 resources handed over by reconcilers; made on first use (the command never needs
     * it).
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /**
     * The CRDs of the model (fabric8 writes META-INF/fabric8/NAME-v1.yml). Spelled out rather than
     * derived with CustomResource.getCRDName, which costs a quarter of a second of class loading at
     * start-up; SpecValidatorTest checks that these are the model's names.
     */
    static final List<String> BUNDLED_CRDS =
            List.of(
                    "proxmoxclusters.pveha.io",
                    "havms.pveha.io",
                    "cephpools.pveha.io",
                    "loadbalancerpairs.pveha.io",
                    "backuppolicies.pveha.io");

    /** One served kind: its schema and compiled rules. */
    private record KindSchema(String kind, Schema root, CelRules rules) {}

    private final Map<String, KindSchema> kinds;

    private SpecValidator(Map<String, KindSchema> kinds) {
        this.kinds = kinds;
    }

    private static final class Bundled {
        static final SpecValidator INSTANCE = loadBundled();
    }

    /**
     * The validator for the CRDs generated into this build ({@code META-INF/fabric8/*-v1.yml} on
     * the class path), created on first use and shared.
     */
    public static SpecValidator forBundledCrds() {
        return Bundled.INSTANCE;
    }

    private static SpecValidator loadBundled() {
        List<JsonNode> crds = new ArrayList<>();
        for (String crd : BUNDLED_CRDS) {
            String resource = "META-INF/fabric8/" + crd + "-v1.yml";
            try (InputStream in =
                    SpecValidator.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException(
                            "CRD " + resource + " is not on the class path; build with Maven");
                }
                crds.add(
                        ManifestReader.read(
                                        resource,
                                        new java.io.InputStreamReader(
                                                in, java.nio.charset.StandardCharsets.UTF_8))
                                .get(0)
                                .content());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            } catch (ManifestReader.InputException e) {
                throw new IllegalStateException(
                        "bundled CRD " + resource + " does not parse: " + e.describe(), e);
            }
        }
        try (InputStream cache =
                SpecValidator.class.getClassLoader().getResourceAsStream(CelAstCache.RESOURCE)) {
            return fromCrds(crds, CelAstCache.read(cache));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CelAstCache.RESOURCE, e);
        }
    }

    /**
     * A validator for every {@code *.yml}/{@code *.yaml} CRD in a directory, e.g. the committed
     * crds/.
     */
    public static SpecValidator fromDirectory(Path directory) throws IOException {
        List<JsonNode> crds = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file :
                    files.filter(
                                    p ->
                                            p.toString().endsWith(".yml")
                                                    || p.toString().endsWith(".yaml"))
                            .sorted()
                            .toList()) {
                try {
                    crds.add(ManifestReader.read(file).get(0).content());
                } catch (ManifestReader.InputException e) {
                    throw new IOException(e.describe(), e);
                }
            }
        }
        return fromCrds(crds);
    }

    /**
     * A validator for the given CustomResourceDefinitions (apiextensions.k8s.io/v1, parsed YAML or
     * JSON).
     */
    public static SpecValidator fromCrds(Collection<JsonNode> crds) {
        return fromCrds(crds, Map.of());
    }

    /**
     * As {@link #fromCrds(Collection)}, taking type-checked rules from a {@link CelAstCache} where
     * they match.
     */
    static SpecValidator fromCrds(Collection<JsonNode> crds, Map<String, byte[]> precompiled) {
        Map<String, KindSchema> kinds = new LinkedHashMap<>();
        for (JsonNode crd : crds) {
            JsonNode spec = crd.path("spec");
            String group = spec.path("group").asText();
            String kind = spec.path("names").path("kind").asText();
            for (JsonNode version : spec.path("versions")) {
                if (!version.path("served").asBoolean(true)) {
                    continue;
                }
                String apiVersion = group + "/" + version.path("name").asText();
                Schema root = Schema.parse(version.path("schema").path("openAPIV3Schema"), kind);
                if (!root.rules.isEmpty()) {
                    // The apiserver gives root rules metadata.name and generateName; nothing here
                    // needs them yet.
                    throw new IllegalArgumentException(
                            "CEL rules on the root of " + kind + " are not implemented");
                }
                kinds.put(
                        key(apiVersion, kind),
                        new KindSchema(kind, root, new CelRules(root, precompiled)));
            }
        }
        return new SpecValidator(Map.copyOf(kinds));
    }

    private static String key(String apiVersion, String kind) {
        return apiVersion + " " + kind;
    }

    /** True for documents of the pveha.io group, which this validator owns (known kinds or not). */
    public static boolean isPvehaGroup(String apiVersion) {
        return apiVersion.equals(Pveha.GROUP) || apiVersion.startsWith(Pveha.GROUP + "/");
    }

    /** Type-checked rules this validator compiled itself, for {@link CelAstCache}. */
    Map<String, byte[]> checkedExpressions() {
        Map<String, byte[]> all = new LinkedHashMap<>();
        kinds.values().forEach(k -> all.putAll(k.rules().checkedExpressions()));
        return all;
    }

    /** Number of CEL rules compiled, for diagnostics and tests. */
    public int ruleCount() {
        return kinds.values().stream().mapToInt(k -> k.rules().ruleCount()).sum();
    }

    /** Problems of a new object; transition rules (those using oldSelf) are not evaluated. */
    public List<Problem> validate(JsonNode object) {
        return validate(object, (JsonNode) null);
    }

    /**
     * Problems of an update from {@code oldObject} to {@code object}; transition rules are
     * evaluated.
     */
    public List<Problem> validate(JsonNode object, JsonNode oldObject) {
        DocumentRef document = DocumentRef.of(object);
        return check(object, oldObject).stream()
                .map(f -> Problem.of(f.severity(), document, 0, f.error()))
                .toList();
    }

    /** {@link #validate(JsonNode)} for a typed or generic fabric8 resource. */
    public List<Problem> validate(HasMetadata resource) {
        return validate(toTree(resource), (JsonNode) null);
    }

    private static JsonNode toTree(HasMetadata resource) {
        return Json.MAPPER.valueToTree(resource);
    }

    /**
     * The findings for one object, in a stable order; the bundle validator adds lines and
     * documents.
     */
    List<Finding> check(JsonNode object, JsonNode oldObject) {
        return check(object, oldObject, true);
    }

    /**
     * Only what kube-apiserver itself checks on a create (no {@link SemanticChecks}):
     * ValidateAgreesWithApiServerIT compares exactly these with a real server's answer.
     */
    List<Finding> checkAsApiServer(JsonNode object) {
        return check(object, null, false);
    }

    private List<Finding> check(JsonNode object, JsonNode oldObject, boolean semanticChecks) {
        List<Finding> findings = new ArrayList<>();
        String apiVersion = object.path("apiVersion").asText("");
        String kind = object.path("kind").asText("");
        KindSchema schema = kinds.get(key(apiVersion, kind));
        if (schema == null) {
            findings.add(
                    Finding.error(
                            new FieldError(
                                    FieldError.Type.STRICT_DECODING,
                                    "",
                                    FieldError.OMIT,
                                    "no matches for kind "
                                            + GoFormat.quote(kind)
                                            + " in version "
                                            + GoFormat.quote(apiVersion))));
            return findings;
        }
        List<FieldError> errors = new ArrayList<>();
        unknownFields(object, schema, errors);
        validateSchema(object, schema, errors);
        List<Finding> semantic = new ArrayList<>();
        if (semanticChecks) {
            SemanticChecks.check(object, schema.kind(), schema.root(), semantic);
        }
        errors.forEach(e -> findings.add(Finding.error(e)));
        findings.addAll(semantic);
        if (schema.rules().isEmpty()) {
            return findings;
        }
        if (errors.stream().anyMatch(e -> e.type().blocksCel())) {
            findings.add(
                    Finding.note(
                            new FieldError(
                                    FieldError.Type.STRICT_DECODING,
                                    "",
                                    FieldError.OMIT,
                                    CEL_SKIPPED)));
            return findings;
        }
        List<FieldError> ruleErrors = new ArrayList<>();
        for (Map.Entry<String, Schema> property : schema.root().properties.entrySet()) {
            if (!property.getKey().equals("status") && object.has(property.getKey())) {
                schema.rules()
                        .evaluate(
                                object.get(property.getKey()),
                                oldObject == null ? null : oldObject.get(property.getKey()),
                                property.getValue(),
                                property.getKey(),
                                ruleErrors);
            }
        }
        ruleErrors.forEach(e -> findings.add(Finding.error(e)));
        return findings;
    }

    /**
     * The apiserver's own top-level fields, and status, which manifests may carry but nobody
     * validates.
     */
    private static final java.util.Set<String> NOT_IN_SCHEMA =
            java.util.Set.of("apiVersion", "kind", "status");

    /**
     * Pruning's unknown-field paths, sorted as the apiserver sorts them; status is ignored (see
     * class doc).
     */
    private static void unknownFields(JsonNode object, KindSchema schema, List<FieldError> out) {
        StructuralValidator.unknownFieldsOfObject(object, schema.root(), NOT_IN_SCHEMA, out);
    }

    /**
     * Schema validation of everything but status. The apiserver drops status on create (the status
     * subresource owns it) and only the operator writes it, so a manifest's status is never an
     * error.
     */
    private static void validateSchema(JsonNode object, KindSchema schema, List<FieldError> out) {
        ObjectMetaChecks.check(object, KubeNames::dns1123Subdomain, out);
        for (Map.Entry<String, Schema> property : schema.root().properties.entrySet()) {
            JsonNode value = object.get(property.getKey());
            if (property.getKey().equals("status")) {
                continue;
            }
            if (value != null && !value.isNull()) {
                StructuralValidator.validate(value, property.getValue(), property.getKey(), out);
            } else if (schema.root().required.contains(property.getKey())) {
                // Every pveha.io CRD requires spec at its root (CrdGeneration adds it).
                out.add(FieldError.required(property.getKey(), ""));
            }
        }
    }
}
