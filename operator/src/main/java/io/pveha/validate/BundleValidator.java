package io.pveha.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.vm.CloudInit;
import io.pveha.api.vm.HaVm;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Validates a set of documents as one platform: every document on its own (pveha.io kinds with
 * {@link SpecValidator}, Secrets, ConfigMaps and Namespaces lightly, anything else skipped with a
 * note), then what only the whole set can tell:
 *
 * <ul>
 *   <li>each object is defined once (kind, namespace, name);
 *   <li>every {@code clusterRef} names a ProxmoxCluster of the same namespace in the input;
 *   <li>a clone's {@code source.template.haVmRef} names a HaVm of the same cluster, and a linked
 *       clone a template; {@code source.backup.policyRef} names a BackupPolicy;
 *   <li>BackupPolicy and LoadBalancerPair selectors select at least one HaVm of their cluster (an
 *       error: an empty selection means no backups or a service without backends); an LB selecting
 *       a template warns;
 *   <li>explicit VMIDs are unique per cluster, Ceph pool names per cluster, PVE endpoints across
 *       ProxmoxClusters (one PVE cluster, one ProxmoxCluster, so HA groups cannot clash);
 *   <li>service ports are unique on a VIP, also across LoadBalancerPairs sharing it; a VRRP router
 *       id used by two pairs warns;
 *   <li>a HaVm's {@code ha.group} not declared in its ProxmoxCluster warns (it may exist in PVE);
 *   <li>every referenced Secret is in the input with the referenced key. A Secret missing from the
 *       input is a warning, because Secrets are often kept out of Git; {@code requireSecrets} makes
 *       it an error. A Secret that is in the input but lacks the key is always an error.
 * </ul>
 *
 * Documents without a namespace get {@code defaultNamespace}, as kubectl gives them the current
 * one.
 */
public final class BundleValidator {
    /**
     * @param requireSecrets referenced Secrets missing from the input are errors, not warnings
     * @param defaultNamespace namespace of documents that name none (kubectl's current namespace)
     */
    public record Options(boolean requireSecrets, String defaultNamespace) {
        public static Options defaults() {
            return new Options(false, "default");
        }
    }

    /**
     * Default keys the LoadBalancerPair model documents (its descriptions; the LB model has no
     * constants yet).
     */
    static final String LB_SSH_KEY_DEFAULT_KEY = "ssh-privatekey";

    static final String LB_VRRP_AUTH_DEFAULT_KEY = "password";

    private final SpecValidator specs;
    private final Options options;

    public BundleValidator(SpecValidator specs, Options options) {
        this.specs = Objects.requireNonNull(specs);
        this.options = Objects.requireNonNull(options);
    }

    /** A document with its effective coordinates and its place in the input. */
    private record Doc(int ordinal, ManifestDocument manifest, DocumentRef ref, JsonNode content) {
        String kind() {
            return ref.kind();
        }

        String namespace() {
            return ref.namespace();
        }

        String name() {
            return ref.name();
        }

        JsonNode spec() {
            return content.path("spec");
        }

        String clusterName() {
            return spec().path("clusterRef").path("name").asText("");
        }

        /** Where this document (or one of its fields) is written, for messages that point at it. */
        String where() {
            return where("");
        }

        String where(String field) {
            return ref.source() == null
                    ? ref.describe()
                    : ref.source() + ":" + manifest.lineOf(field);
        }
    }

    public ValidationReport validate(List<ManifestDocument> documents) {
        List<Problem> problems = new ArrayList<>();
        List<Doc> docs = new ArrayList<>();
        for (ManifestDocument manifest : documents) {
            Doc doc = new Doc(docs.size(), manifest, effectiveRef(manifest), manifest.content());
            docs.add(doc);
            new Checker(doc, problems, List.of()).checkAlone();
        }
        Index index = new Index(docs);
        Map<DocumentRef, List<String>> fieldsWithErrors = new HashMap<>();
        problems.stream()
                .filter(Problem::isError)
                .forEach(
                        p ->
                                fieldsWithErrors
                                        .computeIfAbsent(p.document(), d -> new ArrayList<>())
                                        .add(p.field()));
        for (Doc doc : docs) {
            new Checker(doc, problems, fieldsWithErrors.getOrDefault(doc.ref(), List.of()))
                    .checkAgainst(index);
        }
        Map<DocumentRef, Integer> order = new HashMap<>();
        docs.forEach(d -> order.put(d.ref(), d.ordinal()));
        problems.sort(
                Comparator.<Problem>comparingInt(
                                p -> order.getOrDefault(p.document(), Integer.MAX_VALUE))
                        .thenComparingInt(p -> p.severity() == Severity.NOTE ? 1 : 0)
                        .thenComparingInt(Problem::line));
        return new ValidationReport(List.copyOf(problems), documents.size());
    }

    private DocumentRef effectiveRef(ManifestDocument manifest) {
        DocumentRef ref = manifest.ref();
        boolean namespaced =
                !ref.kind().isEmpty()
                        && !(CoreKinds.NAMESPACE.equals(ref.kind())
                                && "v1".equals(ref.apiVersion()));
        return namespaced && ref.namespace().isEmpty()
                ? ref.withNamespace(options.defaultNamespace())
                : ref;
    }

    /**
     * The documents of the input by identity, HaVms by cluster, and "claims" of things that must be
     * unique (a VMID in a cluster, a PVE endpoint, a port on a VIP...). Checks run in input order,
     * so the first claimant of a key is the earlier document. Lookups are hash-based: ten thousand
     * documents stay linear.
     */
    private static final class Index {
        private final Map<String, Doc> byId = new LinkedHashMap<>();
        private final Map<Integer, Doc> earlier = new HashMap<>();
        private final Map<String, List<Doc>> vmsByCluster = new HashMap<>();
        private final Map<String, Doc> claims = new HashMap<>();

        Index(List<Doc> docs) {
            for (Doc doc : docs) {
                if (doc.name().isEmpty() || doc.kind().isEmpty()) {
                    continue;
                }
                Doc first = byId.putIfAbsent(id(doc.kind(), doc.namespace(), doc.name()), doc);
                if (first != null) {
                    earlier.put(doc.ordinal(), first);
                } else if (doc.kind().equals(HaVm.KIND)) {
                    vmsByCluster
                            .computeIfAbsent(
                                    doc.namespace() + "/" + doc.clusterName(),
                                    k -> new ArrayList<>())
                            .add(doc);
                }
            }
        }

        static String id(String kind, String namespace, String name) {
            return kind + "/" + namespace + "/" + name;
        }

        Optional<Doc> find(String kind, String namespace, String name) {
            return Optional.ofNullable(byId.get(id(kind, namespace, name)));
        }

        Optional<Doc> earlierDefinition(Doc doc) {
            return Optional.ofNullable(earlier.get(doc.ordinal()));
        }

        List<String> vmNames(String namespace, String cluster) {
            return vmsOf(namespace, cluster).stream().map(Doc::name).toList();
        }

        List<Doc> vmsOf(String namespace, String cluster) {
            return vmsByCluster.getOrDefault(namespace + "/" + cluster, List.of());
        }

        /**
         * Claims {@code key} for {@code doc}; returns the other document that claimed it first, if
         * any.
         */
        Optional<Doc> claim(String key, Doc doc) {
            Doc first = claims.putIfAbsent(key, doc);
            return first == null || first == doc ? Optional.empty() : Optional.of(first);
        }
    }

    /** The checks of one document; appends its problems. */
    private final class Checker {
        private final Doc doc;
        private final List<Problem> out;
        private final List<String> fieldsWithErrors;

        /**
         * {@code fieldsWithErrors}: fields the document's own checks found wrong (cross checks skip
         * them).
         */
        Checker(Doc doc, List<Problem> out, List<String> fieldsWithErrors) {
            this.doc = doc;
            this.out = out;
            this.fieldsWithErrors = fieldsWithErrors;
        }

        private void add(Severity severity, FieldError error) {
            out.add(Problem.of(severity, doc.ref(), doc.manifest().lineOf(error.field()), error));
        }

        /**
         * A finding of the cross-document stage, unless the field (or something inside it) already
         * has an error of its own: "front.end matches no HA group" adds nothing to "front.end is
         * not a valid id".
         */
        private void addCross(Severity severity, FieldError error) {
            String field = error.field();
            boolean alreadyWrong =
                    fieldsWithErrors.stream()
                            .anyMatch(
                                    f ->
                                            f.equals(field)
                                                    || f.startsWith(field + ".")
                                                    || f.startsWith(field + "["));
            if (!alreadyWrong) {
                add(severity, error);
            }
        }

        private void error(FieldError error) {
            add(Severity.ERROR, error);
        }

        void checkAlone() {
            doc.manifest().readerFindings().forEach(this::error);
            JsonNode content = doc.content();
            if (!content.isObject()) {
                error(
                        FieldError.invalid(
                                "",
                                StructuralValidator.dataType(content),
                                "a manifest must be a YAML mapping (an object) with apiVersion, kind and metadata"));
                return;
            }
            boolean typed = typeMeta("apiVersion") & typeMeta("kind");
            if (!typed) {
                return;
            }
            String apiVersion = doc.ref().apiVersion();
            if (SpecValidator.isPvehaGroup(apiVersion)) {
                specs.check(content, null).forEach(f -> add(f.severity(), f.error()));
            } else if (CoreKinds.handles(apiVersion, doc.kind())) {
                CoreKinds.check(content, doc.kind()).forEach(this::error);
            } else {
                add(
                        Severity.NOTE,
                        new FieldError(
                                FieldError.Type.STRICT_DECODING,
                                "",
                                FieldError.OMIT,
                                "not checked: "
                                        + doc.kind()
                                        + " ("
                                        + apiVersion
                                        + ") is neither a pveha.io kind nor"
                                        + " a Secret, ConfigMap or Namespace"));
            }
        }

        private boolean typeMeta(String field) {
            JsonNode value = doc.content().get(field);
            if (value == null || value.isNull() || value.asText().isEmpty()) {
                error(FieldError.required(field, ""));
                return false;
            }
            if (!value.isTextual()) {
                String type = StructuralValidator.dataType(value);
                error(
                        FieldError.typeInvalid(
                                field,
                                type,
                                field
                                        + " in body must be of type string: "
                                        + GoFormat.quote(type)));
                return false;
            }
            return true;
        }

        void checkAgainst(Index index) {
            if (!doc.content().isObject()) {
                return;
            }
            index.earlierDefinition(doc)
                    .ifPresent(
                            first ->
                                    addCross(
                                            Severity.ERROR,
                                            FieldError.duplicate(
                                                    "metadata.name",
                                                    doc.name(),
                                                    doc.kind()
                                                            + " "
                                                            + doc.namespace()
                                                            + "/"
                                                            + doc.name()
                                                            + " is also defined at "
                                                            + first.where())));
            switch (doc.kind()) {
                case ProxmoxCluster.KIND -> {
                    checkCluster(index);
                    if (isPveha()) {
                        MonitoringChecks.cluster(
                                doc.spec(),
                                index.vmNames(doc.namespace(), doc.name()),
                                monitoringSink(index));
                    }
                }
                case HaVm.KIND -> {
                    checkHaVm(index);
                    if (isPveha()) {
                        MonitoringChecks.haVm(doc.spec(), monitoringSink(index));
                    }
                }
                case CephPool.KIND -> checkCephPool(index);
                case BackupPolicy.KIND -> checkBackupPolicy(index);
                case LoadBalancerPair.KIND -> checkLoadBalancer(index);
                default -> {}
            }
        }

        private boolean isPveha() {
            return SpecValidator.isPvehaGroup(doc.ref().apiVersion());
        }

        /**
         * The ProxmoxCluster named by spec.clusterRef; a name that is not in the input is an error.
         */
        private Optional<Doc> cluster(Index index) {
            JsonNode name = doc.spec().path("clusterRef").path("name");
            if (!name.isTextual()) {
                return Optional.empty();
            }
            Optional<Doc> cluster = index.find(ProxmoxCluster.KIND, doc.namespace(), name.asText());
            if (cluster.isEmpty()) {
                addCross(
                        Severity.ERROR,
                        FieldError.notFound(
                                "spec.clusterRef.name",
                                name.asText(),
                                "no ProxmoxCluster "
                                        + GoFormat.quote(name.asText())
                                        + " in namespace "
                                        + GoFormat.quote(doc.namespace())
                                        + " in the input"));
            }
            return cluster;
        }

        private void checkCluster(Index index) {
            if (!isPveha()) {
                return;
            }
            claimEndpoints(
                    doc.spec().path("endpoints"),
                    "spec.endpoints",
                    "one PVE cluster must be managed by one ProxmoxCluster",
                    index);
            JsonNode credentials = doc.spec().path("credentialsSecretRef");
            secret(
                    credentials,
                    "spec.credentialsSecretRef",
                    "tokenIdKey",
                    ProxmoxClusterSpec.CredentialsRef.DEFAULT_TOKEN_ID_KEY,
                    index);
            secret(
                    credentials,
                    "spec.credentialsSecretRef",
                    "tokenSecretKey",
                    ProxmoxClusterSpec.CredentialsRef.DEFAULT_TOKEN_SECRET_KEY,
                    index);
            secret(
                    doc.spec().path("tls").path("caSecretRef"),
                    "spec.tls.caSecretRef",
                    "key",
                    ProxmoxClusterSpec.Tls.DEFAULT_CA_KEY,
                    index);
            checkDisasterRecovery(index);
        }

        /**
         * A platform that declares disaster recovery: the standby's endpoints and Secrets, every
         * restore stage's HaVms, and the backups reachable from the standby (each BackupPolicy's
         * storage an NFS export the operator can define there). That every HaVm is covered by a
         * BackupPolicy is checked on each HaVm ({@link #checkRecoverable}).
         */
        private void checkDisasterRecovery(Index index) {
            JsonNode dr = doc.spec().path("disasterRecovery");
            if (!dr.isObject()) {
                return;
            }
            JsonNode standby = dr.path("standby");
            claimEndpoints(
                    standby.path("endpoints"),
                    "spec.disasterRecovery.standby.endpoints",
                    "a standby must be a cluster of its own",
                    index);
            String credentials = "spec.disasterRecovery.standby.credentialsSecretRef";
            secret(
                    standby.path("credentialsSecretRef"),
                    credentials,
                    "tokenIdKey",
                    ProxmoxClusterSpec.CredentialsRef.DEFAULT_TOKEN_ID_KEY,
                    index);
            if (index.find(
                            CoreKinds.SECRET,
                            doc.namespace(),
                            standby.path("credentialsSecretRef").path("name").asText())
                    .isPresent()) {
                // A Secret that is not there is said once, not once per key.
                secret(
                        standby.path("credentialsSecretRef"),
                        credentials,
                        "tokenSecretKey",
                        ProxmoxClusterSpec.CredentialsRef.DEFAULT_TOKEN_SECRET_KEY,
                        index);
            }
            secret(
                    standby.path("tls").path("caSecretRef"),
                    "spec.disasterRecovery.standby.tls.caSecretRef",
                    "key",
                    ProxmoxClusterSpec.Tls.DEFAULT_CA_KEY,
                    index);
            List<Doc> vms = index.vmsOf(doc.namespace(), doc.name());
            List<String> vmNames = vms.stream().map(Doc::name).toList();
            JsonNode stages = dr.path("restoreOrder");
            for (int i = 0; i < stages.size(); i++) {
                JsonNode names = stages.get(i).path("haVmNames");
                for (int j = 0; j < names.size(); j++) {
                    if (!vmNames.contains(names.get(j).asText())) {
                        addCross(
                                Severity.ERROR,
                                FieldError.notFound(
                                        "spec.disasterRecovery.restoreOrder["
                                                + i
                                                + "].haVmNames["
                                                + j
                                                + "]",
                                        names.get(j).asText(),
                                        "no HaVm "
                                                + GoFormat.quote(names.get(j).asText())
                                                + " of this ProxmoxCluster in the input"));
                    }
                }
            }
            List<Doc> policies = policiesOf(index, doc);
            if (policies.isEmpty()) {
                addCross(
                        Severity.ERROR,
                        FieldError.required(
                                "spec.disasterRecovery",
                                "no BackupPolicy of ProxmoxCluster "
                                        + GoFormat.quote(doc.name())
                                        + " in the input: the platform is rebuilt from its backups, and there are none"));
                return;
            }
            for (Doc policy : policies) {
                JsonNode storage = policy.spec().path("storage");
                if (!storage.path("nfs").isObject()) {
                    addCross(
                            Severity.ERROR,
                            FieldError.invalid(
                                    "spec.disasterRecovery",
                                    storage.path("name").asText(),
                                    "BackupPolicy "
                                            + policy.name()
                                            + " ("
                                            + policy.where("spec.storage")
                                            + ") backs up to storage "
                                            + GoFormat.quote(storage.path("name").asText())
                                            + " without spec.storage.nfs: the standby cannot reach those backups (declare the NFS export so the operator defines the storage on the standby)"));
                }
                String drillStorage = dr.path("drill").path("storage").asText("");
                if (!drillStorage.isEmpty() && drillStorage.equals(storage.path("name").asText())) {
                    // The drill's restored disks go there; a backup storage (content backup) takes
                    // none, and PVE would refuse every restore of the drill.
                    addCross(
                            Severity.ERROR,
                            FieldError.invalid(
                                    "spec.disasterRecovery.drill.storage",
                                    drillStorage,
                                    "BackupPolicy "
                                            + policy.name()
                                            + " ("
                                            + policy.where("spec.storage")
                                            + ") backs up to this storage: it holds backups, not VM disks; name a storage for VM images on the standby, or leave it out to restore to the disks' own storages"));
                }
            }
        }

        /** A HaVm of a cluster that declares disaster recovery is backed up by some policy. */
        private void checkRecoverable(Index index, Doc cluster) {
            if (!cluster.spec().path("disasterRecovery").isObject()) {
                return;
            }
            List<Doc> policies = policiesOf(index, cluster);
            if (!policies.isEmpty() && policies.stream().noneMatch(p -> covers(p, doc))) {
                addCross(
                        Severity.ERROR,
                        FieldError.required(
                                "metadata.labels",
                                "no BackupPolicy of ProxmoxCluster "
                                        + GoFormat.quote(cluster.name())
                                        + " selects this HaVm, and the cluster declares disaster recovery ("
                                        + cluster.where("spec.disasterRecovery")
                                        + "): without backups it could not be rebuilt on the standby"));
            }
        }

        private List<Doc> policiesOf(Index index, Doc cluster) {
            return index.byId.values().stream()
                    .filter(d -> d.kind().equals(BackupPolicy.KIND))
                    .filter(d -> d.namespace().equals(cluster.namespace()))
                    .filter(d -> d.clusterName().equals(cluster.name()))
                    .toList();
        }

        /** Whether a BackupPolicy's selection takes the HaVm (by labels, VMID, or all). */
        private boolean covers(Doc policy, Doc vm) {
            JsonNode selection = policy.spec().path("selection");
            JsonNode vmid = vm.spec().path("vmid");
            for (JsonNode excluded : selection.path("exclude")) {
                if (vmid.isInt() && excluded.asInt() == vmid.asInt()) {
                    return false;
                }
            }
            if (selection.path("all").asBoolean(false)) {
                return true;
            }
            JsonNode selector = selection.path("haVmSelector");
            if (selector.isObject() && LabelSelectors.matches(selector, labels(vm))) {
                return true;
            }
            for (JsonNode listed : selection.path("vmids")) {
                if (vmid.isInt() && listed.asInt() == vmid.asInt()) {
                    return true;
                }
            }
            return false;
        }

        /** Each endpoint belongs to one cluster: a second claim is an error at {@code field[i]}. */
        private void claimEndpoints(JsonNode endpoints, String field, String why, Index index) {
            for (int i = 0; i < endpoints.size(); i++) {
                String endpoint = normalizeEndpoint(endpoints.get(i).asText());
                int at = i;
                index.claim("endpoint " + endpoint, doc)
                        .ifPresent(
                                other ->
                                        addCross(
                                                Severity.ERROR,
                                                FieldError.duplicate(
                                                        field + "[" + at + "]",
                                                        endpoints.get(at).asText(),
                                                        "also an endpoint of ProxmoxCluster "
                                                                + other.namespace()
                                                                + "/"
                                                                + other.name()
                                                                + " ("
                                                                + other.where("spec.endpoints")
                                                                + "); "
                                                                + why)));
            }
        }

        private String normalizeEndpoint(String endpoint) {
            String e = endpoint.toLowerCase(java.util.Locale.ROOT);
            e = e.endsWith("/") ? e.substring(0, e.length() - 1) : e;
            return e.matches("https://[^/]*:[0-9]+") ? e : e + ":8006";
        }

        private void checkHaVm(Index index) {
            if (!isPveha()) {
                return;
            }
            Optional<Doc> cluster = cluster(index);
            cluster.ifPresent(c -> checkRecoverable(index, c));
            JsonNode spec = doc.spec();
            JsonNode template = spec.path("source").path("template");
            JsonNode haVmRef = template.path("haVmRef").path("name");
            if (haVmRef.isTextual()) {
                Optional<Doc> source = index.find(HaVm.KIND, doc.namespace(), haVmRef.asText());
                String path = "spec.source.template.haVmRef.name";
                if (source.isEmpty()) {
                    addCross(
                            Severity.ERROR,
                            FieldError.notFound(
                                    path,
                                    haVmRef.asText(),
                                    "no HaVm "
                                            + GoFormat.quote(haVmRef.asText())
                                            + " in namespace "
                                            + GoFormat.quote(doc.namespace())
                                            + " in the input"));
                } else if (source.get() == doc) {
                    addCross(
                            Severity.ERROR,
                            FieldError.invalid(
                                    path, haVmRef.asText(), "a HaVm cannot be cloned from itself"));
                } else if (!source.get().clusterName().equals(doc.clusterName())) {
                    addCross(
                            Severity.ERROR,
                            FieldError.invalid(
                                    path,
                                    haVmRef.asText(),
                                    "HaVm "
                                            + haVmRef.asText()
                                            + " is in ProxmoxCluster "
                                            + GoFormat.quote(source.get().clusterName())
                                            + ", this one in "
                                            + GoFormat.quote(doc.clusterName())
                                            + "; PVE clones only within a cluster"));
                } else if (!source.get().spec().path("template").asBoolean(false)
                        && !template.path("full").asBoolean(false)) {
                    addCross(
                            Severity.ERROR,
                            FieldError.invalid(
                                    path,
                                    haVmRef.asText(),
                                    "a linked clone needs a template, and HaVm "
                                            + haVmRef.asText()
                                            + " does not set spec.template: true; set spec.source.template.full: true"
                                            + " for a full clone"));
                }
            }
            JsonNode policyRef = spec.path("source").path("backup").path("policyRef").path("name");
            if (policyRef.isTextual()
                    && index.find(BackupPolicy.KIND, doc.namespace(), policyRef.asText())
                            .isEmpty()) {
                addCross(
                        Severity.ERROR,
                        FieldError.notFound(
                                "spec.source.backup.policyRef.name",
                                policyRef.asText(),
                                "no BackupPolicy "
                                        + GoFormat.quote(policyRef.asText())
                                        + " in namespace "
                                        + GoFormat.quote(doc.namespace())
                                        + " in the input"));
            }
            JsonNode vmid = spec.path("vmid");
            if (vmid.isIntegralNumber()) {
                index.claim(
                                "vmid "
                                        + doc.namespace()
                                        + "/"
                                        + doc.clusterName()
                                        + "/"
                                        + vmid.asLong(),
                                doc)
                        .ifPresent(
                                other ->
                                        addCross(
                                                Severity.ERROR,
                                                FieldError.duplicate(
                                                        "spec.vmid",
                                                        vmid.asLong(),
                                                        "also the VMID of HaVm "
                                                                + other.namespace()
                                                                + "/"
                                                                + other.name()
                                                                + " ("
                                                                + other.where("spec.vmid")
                                                                + ") in ProxmoxCluster "
                                                                + GoFormat.quote(
                                                                        doc.clusterName()))));
            }
            JsonNode group = spec.path("ha").path("group");
            if (group.isTextual()
                    && cluster.isPresent()
                    && !declaresGroup(cluster.get(), group.asText())) {
                addCross(
                        Severity.WARNING,
                        FieldError.notFound(
                                "spec.ha.group",
                                group.asText(),
                                "ProxmoxCluster "
                                        + cluster.get().name()
                                        + " declares no such HA group; it must already exist in PVE"));
            }
            checkPlacement(index, cluster, spec);
            JsonNode cloudInit = spec.path("cloudInit");
            secret(
                    cloudInit.path("sshKeysSecretRef"),
                    "spec.cloudInit.sshKeysSecretRef",
                    "key",
                    CloudInit.DEFAULT_SSH_KEYS_KEY,
                    index);
            secret(
                    cloudInit.path("passwordSecretRef"),
                    "spec.cloudInit.passwordSecretRef",
                    "key",
                    CloudInit.DEFAULT_PASSWORD_KEY,
                    index);
        }

        /**
         * Placement: the policy is declared; HaVms to keep apart or together exist in the cluster,
         * are not this one and not both; PVE 9 refuses resource affinity for VMs whose placement
         * has several priorities; a strict policy must allow {@code spec.placement.node}.
         */
        private void checkPlacement(Index index, Optional<Doc> cluster, JsonNode spec) {
            JsonNode ha = spec.path("ha");
            JsonNode policyName = ha.path("placementPolicy");
            JsonNode policy = null;
            String named =
                    policyName.isTextual() ? policyName.asText() : ha.path("group").asText(null);
            if (named != null && cluster.isPresent()) {
                policy = policy(cluster.get(), named);
                if (policy == null && policyName.isTextual()) {
                    addCross(
                            Severity.ERROR,
                            FieldError.notFound(
                                    "spec.ha.placementPolicy",
                                    named,
                                    "ProxmoxCluster "
                                            + cluster.get().name()
                                            + " declares no such placement policy"));
                }
            }
            java.util.Map<String, String> partners = new java.util.TreeMap<>();
            for (String kind : List.of("keepApartFrom", "keepTogetherWith")) {
                for (JsonNode name : ha.path(kind).path("haVmNames")) {
                    String field = "spec.ha." + kind + ".haVmNames";
                    if (name.asText().equals(doc.name())) {
                        addCross(
                                Severity.ERROR,
                                FieldError.invalid(
                                        field,
                                        name.asText(),
                                        "a HaVm cannot be kept "
                                                + (kind.equals("keepApartFrom")
                                                        ? "apart from"
                                                        : "together with")
                                                + " itself"));
                        continue;
                    }
                    Optional<Doc> other = index.find(HaVm.KIND, doc.namespace(), name.asText());
                    if (other.isEmpty() || !other.get().clusterName().equals(doc.clusterName())) {
                        addCross(
                                Severity.ERROR,
                                FieldError.notFound(
                                        field,
                                        name.asText(),
                                        "no HaVm of that name in ProxmoxCluster "
                                                + GoFormat.quote(doc.clusterName())));
                        continue;
                    }
                    String before = partners.put(name.asText(), kind);
                    if (before != null && !before.equals(kind)) {
                        addCross(
                                Severity.ERROR,
                                FieldError.invalid(
                                        field,
                                        name.asText(),
                                        "kept both apart from and together with this HaVm"));
                    }
                }
            }
            boolean affinity =
                    ha.path("keepApartFrom").size() > 0 || ha.path("keepTogetherWith").size() > 0;
            if (affinity && policy != null) {
                java.util.Set<Integer> priorities = new java.util.HashSet<>();
                policy.path("nodes").forEach(n -> priorities.add(n.path("priority").asInt(0)));
                if (priorities.size() > 1) {
                    addCross(
                            Severity.ERROR,
                            FieldError.invalid(
                                    policyName.isTextual()
                                            ? "spec.ha.placementPolicy"
                                            : "spec.ha.group",
                                    named,
                                    "its nodes have several priorities: PVE 9 refuses to keep VMs"
                                            + " apart or together whose node affinity has more than"
                                            + " one priority; give the policy's nodes one priority"));
                }
            }
            if (affinity && ha.path("preferredNodes").size() > 1) {
                addCross(
                        Severity.ERROR,
                        FieldError.invalid(
                                "spec.ha.preferredNodes",
                                ha.path("preferredNodes").toString(),
                                "preferred nodes have one priority each: PVE 9 refuses to keep"
                                        + " VMs apart or together whose node affinity has more"
                                        + " than one priority"));
            }
            JsonNode node = spec.path("placement").path("node");
            if (policy != null && node.isTextual()) {
                boolean strict =
                        policy.path("strict").asBoolean(false)
                                || policy.path("restricted").asBoolean(false);
                boolean listed = false;
                for (JsonNode n : policy.path("nodes")) {
                    listed |= node.asText().equals(n.path("node").asText());
                }
                if (strict && !listed) {
                    addCross(
                            Severity.ERROR,
                            FieldError.invalid(
                                    "spec.placement.node",
                                    node.asText(),
                                    "strict placement policy "
                                            + named
                                            + " does not allow this node: the HA manager would"
                                            + " move the VM away at once"));
                }
            }
        }

        /** The placement policy (or deprecated HA group) {@code name} of the cluster, if any. */
        private JsonNode policy(Doc cluster, String name) {
            for (String list : List.of("placementPolicies", "haGroups")) {
                for (JsonNode p : cluster.spec().path(list)) {
                    if (name.equals(p.path("name").asText())) {
                        return p;
                    }
                }
            }
            return null;
        }

        private boolean declaresGroup(Doc cluster, String group) {
            return policy(cluster, group) != null;
        }

        private void checkCephPool(Index index) {
            if (!isPveha()) {
                return;
            }
            cluster(index);
            String pool = poolName(doc);
            index.claim("pool " + doc.namespace() + "/" + doc.clusterName() + "/" + pool, doc)
                    .ifPresent(
                            other ->
                                    addCross(
                                            Severity.ERROR,
                                            FieldError.duplicate(
                                                    doc.spec().has("poolName")
                                                            ? "spec.poolName"
                                                            : "metadata.name",
                                                    pool,
                                                    "CephPool "
                                                            + other.namespace()
                                                            + "/"
                                                            + other.name()
                                                            + " ("
                                                            + other.where()
                                                            + ") manages the same Ceph pool")));
        }

        private String poolName(Doc pool) {
            return pool.spec().path("poolName").asText(pool.name());
        }

        private void checkBackupPolicy(Index index) {
            if (!isPveha()) {
                return;
            }
            cluster(index);
            JsonNode selector = doc.spec().path("selection").path("haVmSelector");
            if (selector.isObject()) {
                selected(selector, "spec.selection.haVmSelector", index);
            }
        }

        /**
         * HaVms of this document's cluster that the selector selects; reports an empty selection.
         */
        private List<Doc> selected(JsonNode selector, String path, Index index) {
            List<Doc> vms =
                    index.vmsOf(doc.namespace(), doc.clusterName()).stream()
                            .filter(vm -> LabelSelectors.matches(selector, labels(vm)))
                            .toList();
            if (vms.isEmpty()) {
                addCross(
                        Severity.ERROR,
                        FieldError.notFound(
                                path,
                                LabelSelectors.describe(selector),
                                "selects no HaVm of ProxmoxCluster "
                                        + GoFormat.quote(doc.clusterName())
                                        + " in namespace "
                                        + GoFormat.quote(doc.namespace())
                                        + " in the input"));
            }
            return vms;
        }

        private Map<String, String> labels(Doc vm) {
            Map<String, String> labels = new HashMap<>();
            vm.content()
                    .path("metadata")
                    .path("labels")
                    .fields()
                    .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            return labels;
        }

        private void checkLoadBalancer(Index index) {
            if (!isPveha()) {
                return;
            }
            boolean hasCluster = doc.spec().path("clusterRef").path("name").isTextual();
            cluster(index);
            JsonNode services = doc.spec().path("services");
            for (int i = 0; i < services.size(); i++) {
                JsonNode selector = services.get(i).path("backends").path("haVmSelector");
                String path = "spec.services[" + i + "].backends.haVmSelector";
                if (selector.isObject() && hasCluster) {
                    for (Doc vm : selected(selector, path, index)) {
                        if (vm.spec().path("template").asBoolean(false)) {
                            addCross(
                                    Severity.WARNING,
                                    FieldError.invalid(
                                            path,
                                            LabelSelectors.describe(selector),
                                            "selects HaVm "
                                                    + vm.name()
                                                    + ", a template, which never runs"));
                        }
                    }
                }
            }
            checkVip(index, services);
            JsonNode hosts = doc.spec().path("hosts");
            for (int i = 0; i < hosts.size(); i++) {
                secret(
                        hosts.get(i).path("sshKeySecretRef"),
                        "spec.hosts[" + i + "].sshKeySecretRef",
                        "key",
                        LB_SSH_KEY_DEFAULT_KEY,
                        index);
            }
            secret(
                    doc.spec().path("vip").path("authSecretRef"),
                    "spec.vip.authSecretRef",
                    "key",
                    LB_VRRP_AUTH_DEFAULT_KEY,
                    index);
        }

        /**
         * Ports must be unique per VIP across pairs; a router id shared by two pairs conflicts on
         * one network.
         */
        private void checkVip(Index index, JsonNode services) {
            JsonNode vip = doc.spec().path("vip").path("address");
            JsonNode routerId = doc.spec().path("vip").path("virtualRouterId");
            for (int i = 0; i < services.size(); i++) {
                JsonNode port = services.get(i).path("port");
                if (vip.isTextual() && port.isIntegralNumber()) {
                    String path = "spec.services[" + i + "].port";
                    index.claim("vip " + vip.asText() + ":" + port.asLong(), doc)
                            .ifPresent(
                                    other ->
                                            addCross(
                                                    Severity.ERROR,
                                                    FieldError.duplicate(
                                                            path,
                                                            port.asLong(),
                                                            "VIP "
                                                                    + vip.asText()
                                                                    + " already serves this port for LoadBalancerPair "
                                                                    + other.namespace()
                                                                    + "/"
                                                                    + other.name()
                                                                    + " ("
                                                                    + other.where("spec.services")
                                                                    + ")")));
                }
            }
            if (routerId.isIntegralNumber()) {
                index.claim("vrrp " + routerId.asLong(), doc)
                        .ifPresent(
                                other ->
                                        addCross(
                                                Severity.WARNING,
                                                FieldError.duplicate(
                                                        "spec.vip.virtualRouterId",
                                                        routerId.asLong(),
                                                        "LoadBalancerPair "
                                                                + other.namespace()
                                                                + "/"
                                                                + other.name()
                                                                + " ("
                                                                + other.where(
                                                                        "spec.vip.virtualRouterId")
                                                                + ") uses the same VRRP router id; on one network segment they conflict")));
            }
        }

        /** Where MonitoringChecks reports: errors and warnings of this document, Secret lookups. */
        private MonitoringChecks.Sink monitoringSink(Index index) {
            return new MonitoringChecks.Sink() {
                @Override
                public void error(FieldError e) {
                    addCross(Severity.ERROR, e);
                }

                @Override
                public void warning(FieldError e) {
                    addCross(Severity.WARNING, e);
                }

                @Override
                public void secret(JsonNode ref, String path, String keyField, String defaultKey) {
                    Checker.this.secret(ref, path, keyField, defaultKey, index);
                }
            };
        }

        /**
         * A Secret reference: the Secret should be in the input (a warning unless Secrets are
         * required) and, when it is, must hold the key ({@code keyField} of the reference, else
         * {@code defaultKey}).
         */
        private void secret(
                JsonNode ref, String path, String keyField, String defaultKey, Index index) {
            JsonNode name = ref.path("name");
            if (!name.isTextual() || name.asText().isEmpty()) {
                return;
            }
            JsonNode explicitKey = ref.path(keyField);
            String key =
                    explicitKey.isTextual() && !explicitKey.asText().isEmpty()
                            ? explicitKey.asText()
                            : defaultKey;
            Optional<Doc> secret = index.find(CoreKinds.SECRET, doc.namespace(), name.asText());
            if (secret.isEmpty()) {
                addCross(
                        options.requireSecrets() ? Severity.ERROR : Severity.WARNING,
                        FieldError.notFound(
                                path + ".name",
                                name.asText(),
                                "Secret "
                                        + doc.namespace()
                                        + "/"
                                        + name.asText()
                                        + " is not in the input"
                                        + (options.requireSecrets()
                                                ? ""
                                                : " (it must exist in the cluster; --require-secrets makes this an error)")));
            } else if (!CoreKinds.secretKeys(secret.get().content()).contains(key)) {
                String keyPath = explicitKey.isTextual() ? path + "." + keyField : path;
                addCross(
                        Severity.ERROR,
                        FieldError.notFound(
                                keyPath,
                                key,
                                "Secret "
                                        + doc.namespace()
                                        + "/"
                                        + name.asText()
                                        + " ("
                                        + secret.get().where()
                                        + ") has no key "
                                        + GoFormat.quote(key)
                                        + (explicitKey.isTextual() ? "" : " (the default key)")));
            }
        }
    }
}
