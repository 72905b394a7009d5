package io.pveha.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.pveha.api.ObjectRef;
import io.pveha.api.vm.EmptySource;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmSpec;
import io.pveha.api.vm.Source;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The single-object API the reconcilers use: SpecValidator.forBundledCrds().validate(object[,
 * old]).
 */
class SpecValidatorTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final SpecValidator VALIDATOR = SpecValidator.forBundledCrds();

    static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static List<String> messages(List<Problem> problems) {
        return problems.stream().map(p -> p.severity().label() + ": " + p.fieldMessage()).toList();
    }

    static final String CLUSTER =
            """
            apiVersion: pveha.io/v1alpha1
            kind: ProxmoxCluster
            metadata: {name: pve, namespace: shop}
            spec:
              endpoints: ["https://pve1.example.com:8006"]
              credentialsSecretRef: {name: pve-token}
            """;
    static final String HAVM =
            """
            apiVersion: pveha.io/v1alpha1
            kind: HaVm
            metadata: {name: vm, namespace: shop}
            spec:
              clusterRef: {name: pve}
              source: {none: {}}
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
            metadata: {name: nightly, namespace: shop}
            spec:
              clusterRef: {name: pve}
              schedule: "02:00"
              selection: {all: true}
              storage: {name: nfs-backup}
              retention: {keepLast: 3}
            """;
    static final String LOAD_BALANCER =
            """
            apiVersion: pveha.io/v1alpha1
            kind: LoadBalancerPair
            metadata: {name: lb, namespace: shop}
            spec:
              hosts:
                - {name: lb1, address: 10.0.0.5, sshKeySecretRef: {name: k}, hostKey: "ssh-ed25519 AAAA", priority: 150}
                - {name: lb2, address: 10.0.0.6, sshKeySecretRef: {name: k}, hostKey: "ssh-ed25519 AAAA", priority: 100}
              vip: {address: 10.0.0.10}
              services:
                - {name: web, port: 80, backends: {staticServers: [{name: s1, address: 10.0.0.20, port: 8080}]}}
            """;

    @ParameterizedTest
    @ValueSource(strings = {CLUSTER, HAVM, CEPH_POOL, BACKUP_POLICY, LOAD_BALANCER})
    void minimalManifestOfEachKindIsValid(String manifest) {
        assertThat(messages(VALIDATOR.validate(yaml(manifest)))).isEmpty();
    }

    @Test
    void theBundledCrdsAreTheModels() {
        assertThat(SpecValidator.BUNDLED_CRDS)
                .containsExactly(
                        io.fabric8.kubernetes.client.CustomResource.getCRDName(
                                io.pveha.api.cluster.ProxmoxCluster.class),
                        io.fabric8.kubernetes.client.CustomResource.getCRDName(HaVm.class),
                        io.fabric8.kubernetes.client.CustomResource.getCRDName(
                                io.pveha.api.ceph.CephPool.class),
                        io.fabric8.kubernetes.client.CustomResource.getCRDName(
                                io.pveha.api.lb.LoadBalancerPair.class),
                        io.fabric8.kubernetes.client.CustomResource.getCRDName(
                                io.pveha.api.backup.BackupPolicy.class));
    }

    @Test
    void everyBundledRuleCompiles() {
        // A rule that does not compile against its schema makes forBundledCrds() itself fail; 36
        // rules today.
        assertThat(VALIDATOR.ruleCount()).isGreaterThanOrEqualTo(36);
    }

    @Test
    void committedCrdsValidateLikeTheBundledOnes() throws Exception {
        SpecValidator fromRepo = SpecValidator.fromDirectory(java.nio.file.Path.of("../crds"));
        JsonNode vm = yaml(HAVM.replace("source: {none: {}}", "source: {none: {}}\n  vmid: 5"));
        assertThat(messages(fromRepo.validate(vm)))
                .isEqualTo(messages(VALIDATOR.validate(vm)))
                .containsExactly(
                        "error: spec.vmid: Invalid value: 5: spec.vmid in body should be greater than or equal to 100");
    }

    @Test
    void problemsCarryTheObjectsCoordinates() {
        Problem problem = VALIDATOR.validate(yaml(HAVM.replace("{none: {}}", "{}"))).get(0);
        assertThat(problem.document().describe()).isEqualTo("HaVm/shop/vm");
        assertThat(problem.field()).isEqualTo("spec.source");
        assertThat(problem.message())
                .isEqualTo(
                        "Invalid value: exactly one of source.template, source.iso,"
                                + " source.backup or source.none must be set");
    }

    @Test
    void typedResourcesAreValidatedAsTheyWouldBeSerialised() {
        HaVm vm = new HaVm();
        vm.setMetadata(new ObjectMetaBuilder().withName("vm").withNamespace("shop").build());
        HaVmSpec spec = new HaVmSpec();
        spec.setClusterRef(new ObjectRef("pve"));
        Source source = new Source();
        source.setNone(new EmptySource());
        spec.setSource(source);
        vm.setSpec(spec);
        assertThat(messages(VALIDATOR.validate(vm))).isEmpty();

        spec.setVmid(50);
        assertThat(messages(VALIDATOR.validate(vm)))
                .containsExactly(
                        "error: spec.vmid: Invalid value: 50: spec.vmid in body should be greater than or equal to 100");
    }

    @Test
    void statusIsIgnoredBecauseTheApiServerDropsItOnCreate() {
        JsonNode vm = yaml(HAVM + "status: {vmid: \"not a number\", whatever: 1}\n");
        assertThat(VALIDATOR.validate(vm)).isEmpty();
    }

    @Test
    void anUnknownKindOfTheGroupIsReportedLikeKubectl() {
        JsonNode doc = yaml(HAVM.replace("kind: HaVm", "kind: HaVM"));
        assertThat(messages(VALIDATOR.validate(doc)))
                .containsExactly(
                        "error: no matches for kind \"HaVM\" in version \"pveha.io/v1alpha1\"");
    }

    // ---- transition rules: evaluated only when the old object is given
    // ---------------------------------------

    @Test
    void vmidIsImmutableOnceSet() {
        JsonNode old = yaml(HAVM + "  vmid: 201\n");
        JsonNode changed = yaml(HAVM + "  vmid: 202\n");
        assertThat(messages(VALIDATOR.validate(changed, old)))
                .containsExactly("error: spec: Invalid value: spec.vmid is immutable once set");
        assertThat(VALIDATOR.validate(changed))
                .as("no old object: transition rules skipped")
                .isEmpty();
    }

    @Test
    void vmidMaySetOnceAndNotBeRemoved() {
        JsonNode without = yaml(HAVM);
        JsonNode with = yaml(HAVM + "  vmid: 201\n");
        assertThat(VALIDATOR.validate(with, without)).isEmpty();
        assertThat(messages(VALIDATOR.validate(without, with)))
                .containsExactly("error: spec: Invalid value: spec.vmid is immutable once set");
    }

    @Test
    void clusterRefIsImmutable() {
        JsonNode old = yaml(HAVM);
        JsonNode moved = yaml(HAVM.replace("{name: pve}", "{name: pve-west}"));
        assertThat(messages(VALIDATOR.validate(moved, old)))
                .containsExactly(
                        "error: spec.clusterRef: Invalid value: spec.clusterRef is immutable");
        assertThat(
                        messages(
                                VALIDATOR.validate(
                                        yaml(CEPH_POOL.replace("{name: pve}", "{name: b}")),
                                        yaml(CEPH_POOL))))
                .containsExactly(
                        "error: spec.clusterRef: Invalid value: spec.clusterRef is immutable");
        assertThat(
                        messages(
                                VALIDATOR.validate(
                                        yaml(BACKUP_POLICY.replace("{name: pve}", "{name: b}")),
                                        yaml(BACKUP_POLICY))))
                .containsExactly(
                        "error: spec.clusterRef: Invalid value: spec.clusterRef is immutable");
    }

    @Test
    void aTemplateStaysATemplate() {
        JsonNode template = yaml(HAVM + "  template: true\n");
        JsonNode vm = yaml(HAVM + "  template: false\n");
        assertThat(messages(VALIDATOR.validate(vm, template)))
                .containsExactly(
                        "error: spec: Invalid value: a template cannot be turned back into a VM (spec.template cannot change from true to false)");
        assertThat(VALIDATOR.validate(template, vm)).as("a VM may become a template").isEmpty();
    }

    @Test
    void poolNameIsImmutableOnceSet() {
        JsonNode old = yaml(CEPH_POOL + "  poolName: vm-pool\n");
        JsonNode renamed = yaml(CEPH_POOL + "  poolName: vm-pool-2\n");
        assertThat(messages(VALIDATOR.validate(renamed, old)))
                .containsExactly("error: spec: Invalid value: spec.poolName is immutable once set");
        assertThat(VALIDATOR.validate(old, old)).isEmpty();
    }

    @Test
    void transitionRulesAreSkippedWhenTheOldObjectLacksTheNode() {
        JsonNode old = yaml(HAVM.replace("  clusterRef: {name: pve}\n", ""));
        assertThat(VALIDATOR.validate(yaml(HAVM), old)).isEmpty();
    }

    // ---- schema semantics
    // ------------------------------------------------------------------------------------

    @Test
    void anIntegralNumberIsAnIntegerAndAnIntegerIsANumber() {
        assertThat(VALIDATOR.validate(yaml(HAVM + "  memoryMiB: 2048.0\n"))).isEmpty();
        assertThat(VALIDATOR.validate(yaml(CEPH_POOL + "  targetSizeRatio: 1\n"))).isEmpty();
    }

    @Test
    void aNumberBelowItsMinimumPrintsLikeGo() {
        assertThat(messages(VALIDATOR.validate(yaml(CEPH_POOL + "  targetSizeRatio: -0.5\n"))))
                .containsExactly(
                        "error: spec.targetSizeRatio: Invalid value: -0.5: spec.targetSizeRatio in body should be greater than or equal to 0");
    }

    @Test
    void aNullOptionalFieldCountsAsAbsentAndANullRequiredFieldAsMissing() {
        assertThat(VALIDATOR.validate(yaml(HAVM + "  vmid: null\n"))).isEmpty();
        assertThat(messages(VALIDATOR.validate(yaml(HAVM.replace("{none: {}}", "null")))))
                .startsWith("error: spec.source: Required value");
    }

    @Test
    void patternsAnchorAtTheEndOfTheTextNotBeforeATrailingNewline() {
        // java.util.regex '$' also matches before a final line break; Go's (and re2j's) does not.
        assertThat(messages(VALIDATOR.validate(yaml(HAVM + "  name: \"pos-1\\n\"\n"))))
                .containsExactly(
                        "error: spec.name: Invalid value: \"pos-1\\n\": spec.name in body should match"
                                + " '^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\\.)*[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$'");
    }

    @Test
    void rulesSeeIntegersAsIntAndAbsentFieldsAsAbsent() {
        assertThat(VALIDATOR.validate(yaml(CEPH_POOL + "  size: 3\n  minSize: 3\n"))).isEmpty();
        assertThat(VALIDATOR.validate(yaml(CEPH_POOL + "  minSize: 1\n"))).isEmpty();
    }

    @Test
    void anEmptySelectorWarns() {
        JsonNode policy =
                yaml(
                        BACKUP_POLICY.replace(
                                "selection: {all: true}", "selection: {haVmSelector: {}}"));
        assertThat(messages(VALIDATOR.validate(policy)))
                .containsExactly(
                        "warning: spec.selection.haVmSelector: Invalid value: an empty selector selects every HaVm in the namespace");
    }
}
