package io.pveha.reconciler.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.SecretKeyRef;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.api.cluster.ProxmoxClusterStatus;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.cluster.RequiredPrivileges;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveErrorKind;
import io.pveha.pve.PveTls;
import io.pveha.pve.model.HaGroup;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Reason;
import io.pveha.reconciler.cluster.ClusterSettingsResolver.SecretKey;
import io.pveha.reconciler.cluster.ClusterSettingsResolver.SecretValue;
import io.pveha.reconciler.cluster.ProxmoxClusterPlanner.Plan;
import io.pveha.testing.Snapshots;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The ProxmoxCluster planner, decision by decision, without a network. */
class ProxmoxClusterPlannerTest {
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final String FINGERPRINT = "AB:".repeat(31) + "AB";
    static final String TOKEN_ID = "pveha@pve!operator";
    static final String TOKEN_SECRET = "0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6";
    static final SecretKey ID = new SecretKey("pve-token", "tokenId");
    static final SecretKey SECRET = new SecretKey("pve-token", "tokenSecret");
    static final SecretKey CA = new SecretKey("pve-ca", "ca.crt");
    static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";

    // ---------------------------------------------------------------- fixtures

    static ProxmoxCluster cluster(Consumer<ProxmoxClusterSpec> spec) {
        ProxmoxCluster cluster = new ProxmoxCluster();
        cluster.getMetadata().setName("main");
        cluster.getMetadata().setNamespace("store");
        cluster.getMetadata().setUid("uid-1");
        cluster.getMetadata().setGeneration(2L);
        ProxmoxClusterSpec s = new ProxmoxClusterSpec();
        s.setEndpoints(List.of("https://pve1:8006"));
        ProxmoxClusterSpec.CredentialsRef ref = new ProxmoxClusterSpec.CredentialsRef();
        ref.setName("pve-token");
        s.setCredentialsSecretRef(ref);
        ProxmoxClusterSpec.Tls tls = new ProxmoxClusterSpec.Tls();
        tls.setFingerprint(FINGERPRINT);
        s.setTls(tls);
        spec.accept(s);
        cluster.setSpec(s);
        return cluster;
    }

    static ProxmoxCluster cluster() {
        return cluster(s -> {});
    }

    /** The token Secret as the informer cache has it. */
    static Map<SecretKey, SecretValue> token() {
        Map<SecretKey, SecretValue> secrets = new LinkedHashMap<>();
        secrets.put(ID, SecretValue.of(TOKEN_ID));
        secrets.put(SECRET, SecretValue.of(TOKEN_SECRET));
        return secrets;
    }

    static Map<SecretKey, SecretValue> with(
            Map<SecretKey, SecretValue> secrets, SecretKey key, SecretValue value) {
        Map<SecretKey, SecretValue> copy = new LinkedHashMap<>(secrets);
        copy.put(key, value);
        return copy;
    }

    static ClusterSnapshot snapshot(boolean quorate) {
        return Snapshots.at(NOW)
                .quorate(quorate)
                .node("pve1")
                .node("pve2")
                .node("pve3", false)
                .build();
    }

    static PollOutcome healthy() {
        return new PollOutcome(snapshot(true), null, null, List.of(), true);
    }

    static PollOutcome failed(ClusterSnapshot last, PveErrorKind kind, String message) {
        return new PollOutcome(
                last,
                new PveApiException(kind, 0, "GET", "/cluster/resources", message, null, null),
                NOW,
                List.of(),
                last != null);
    }

    static ProxmoxClusterFacts facts(PollOutcome outcome, Map<SecretKey, SecretValue> secrets) {
        return new ProxmoxClusterFacts(
                new ClusterKey("store", "main"),
                null,
                outcome,
                secrets,
                Optional.empty(),
                Optional.empty());
    }

    static Plan plan(
            ProxmoxCluster cluster, PollOutcome outcome, Map<SecretKey, SecretValue> secrets) {
        return ProxmoxClusterPlanner.plan(cluster, null, facts(outcome, secrets), NOW);
    }

    // ---------------------------------------------------------------- Ready

    record ReadyCase(
            ProxmoxCluster cluster,
            PollOutcome outcome,
            Map<SecretKey, SecretValue> secrets,
            Reason reason,
            String message) {}

    static Stream<Named<ReadyCase>> readiness() {
        ClusterSnapshot last = snapshot(true);
        Map<SecretKey, SecretValue> caToo = with(token(), CA, SecretValue.of("not a certificate"));
        ProxmoxCluster withCa =
                cluster(s -> s.getTls().setCaSecretRef(new SecretKeyRef("pve-ca", null)));
        return Stream.of(
                Named.of(
                        "before the first poll it is connecting",
                        new ReadyCase(
                                cluster(),
                                PollOutcome.NONE,
                                token(),
                                ProxmoxClusterReason.Connecting,
                                "waiting for the first poll")),
                Named.of(
                        "a healthy poll makes it Ready",
                        new ReadyCase(
                                cluster(),
                                healthy(),
                                token(),
                                ProxmoxClusterReason.Ready,
                                "PVE 8.4.1, 2/3 nodes online, Ceph HEALTH_OK")),
                Named.of(
                        "a refused token before any poll",
                        new ReadyCase(
                                cluster(),
                                failed(null, PveErrorKind.AUTHENTICATION, "401 no ticket"),
                                token(),
                                ProxmoxClusterReason.AuthenticationFailed,
                                "GET /cluster/resources: 401 no ticket")),
                Named.of(
                        "an unreachable cluster keeps its last poll's time",
                        new ReadyCase(
                                cluster(),
                                failed(last, PveErrorKind.CONNECTION, "connection refused"),
                                token(),
                                ProxmoxClusterReason.Unreachable,
                                "GET /cluster/resources: connection refused; last successful poll at 2026-12-01T10:00:00Z")),
                Named.of(
                        "an answer of unknown outcome is unreachable",
                        new ReadyCase(
                                cluster(),
                                failed(last, PveErrorKind.OUTCOME_UNKNOWN, "timed out"),
                                token(),
                                ProxmoxClusterReason.Unreachable,
                                null)),
                Named.of(
                        "a server error",
                        new ReadyCase(
                                cluster(),
                                failed(last, PveErrorKind.SERVER, "500 internal"),
                                token(),
                                CommonReason.ApiError,
                                null)),
                Named.of(
                        "a certificate that does not verify",
                        new ReadyCase(
                                cluster(),
                                failed(null, PveErrorKind.TLS, "pinned"),
                                token(),
                                ProxmoxClusterReason.TlsVerificationFailed,
                                null)),
                Named.of(
                        "a token without Sys.Audit",
                        new ReadyCase(
                                cluster(),
                                failed(null, PveErrorKind.PERMISSION, "403"),
                                token(),
                                ProxmoxClusterReason.PermissionDenied,
                                null)),
                Named.of(
                        "the endpoint's node cannot reach the others",
                        new ReadyCase(
                                cluster(),
                                failed(last, PveErrorKind.NODE_UNREACHABLE, "595"),
                                token(),
                                ProxmoxClusterReason.NodeUnreachable,
                                null)),
                Named.of(
                        "PVE refuses without quorum",
                        new ReadyCase(
                                cluster(),
                                failed(last, PveErrorKind.NO_QUORUM, "no quorum"),
                                token(),
                                ProxmoxClusterReason.NoQuorum,
                                null)),
                Named.of(
                        "an API the operator does not understand",
                        new ReadyCase(
                                cluster(),
                                failed(last, PveErrorKind.PROTOCOL, "bad JSON"),
                                token(),
                                ProxmoxClusterReason.UnsupportedApi,
                                null)),
                Named.of(
                        "a poll without quorum",
                        new ReadyCase(
                                cluster(),
                                new PollOutcome(snapshot(false), null, null, List.of(), true),
                                token(),
                                ProxmoxClusterReason.NoQuorum,
                                "the cluster has lost quorum: writes are refused")),
                Named.of(
                        "missing privileges are named",
                        new ReadyCase(
                                cluster(),
                                new PollOutcome(
                                        last,
                                        null,
                                        null,
                                        List.of(
                                                RequiredPrivileges.ALL.get(4),
                                                RequiredPrivileges.ALL.get(5)),
                                        true),
                                token(),
                                ProxmoxClusterReason.MissingPrivileges,
                                "the token lacks: VM.Allocate on /vms, VM.Clone on /vms")),
                Named.of(
                        "privileges PVE cannot tell do not block",
                        new ReadyCase(
                                cluster(),
                                new PollOutcome(last, null, null, List.of(), false),
                                token(),
                                ProxmoxClusterReason.Ready,
                                null)),
                Named.of(
                        "a missing Secret is named",
                        new ReadyCase(
                                cluster(),
                                healthy(),
                                Map.of(
                                        ID,
                                                SecretValue.missing(
                                                        CommonReason.SecretNotFound,
                                                        "Secret store/pve-token not found"),
                                        SECRET,
                                                SecretValue.missing(
                                                        CommonReason.SecretNotFound,
                                                        "Secret store/pve-token not found")),
                                CommonReason.SecretNotFound,
                                "Secret store/pve-token not found")),
                Named.of(
                        "a missing key is named",
                        new ReadyCase(
                                cluster(),
                                healthy(),
                                with(
                                        token(),
                                        SECRET,
                                        SecretValue.missing(
                                                ProxmoxClusterReason.SecretKeyMissing,
                                                "Secret store/pve-token has no key tokenSecret")),
                                ProxmoxClusterReason.SecretKeyMissing,
                                "Secret store/pve-token has no key tokenSecret")),
                Named.of(
                        "a token id that is not user@realm!name",
                        new ReadyCase(
                                cluster(),
                                healthy(),
                                with(token(), ID, SecretValue.of("root")),
                                ProxmoxClusterReason.InvalidCredentials,
                                "Secret store/pve-token: the token id must look like user@realm!tokenname")),
                Named.of(
                        "a CA Secret without a certificate",
                        new ReadyCase(
                                withCa,
                                healthy(),
                                caToo,
                                ProxmoxClusterReason.InvalidCaBundle,
                                "Secret store/pve-ca key ca.crt holds no PEM certificate")),
                Named.of(
                        "a fingerprint of the wrong length",
                        new ReadyCase(
                                cluster(s -> s.getTls().setFingerprint("AB:CD")),
                                healthy(),
                                token(),
                                CommonReason.InvalidSpec,
                                "spec.tls.fingerprint: a SHA-256 fingerprint has 32 bytes (64 hex digits), got 2")),
                Named.of(
                        "a per-endpoint fingerprint for an endpoint not in spec.endpoints",
                        new ReadyCase(
                                cluster(
                                        s ->
                                                s.getTls()
                                                        .setFingerprints(
                                                                List.of(
                                                                        new ProxmoxClusterSpec
                                                                                .EndpointFingerprint(
                                                                                "https://pve9:8006",
                                                                                FINGERPRINT)))),
                                healthy(),
                                token(),
                                CommonReason.InvalidSpec,
                                "spec.tls.fingerprints[0].endpoint: https://pve9:8006 is not in spec.endpoints")),
                Named.of(
                        "pins per endpoint that leave an endpoint without one",
                        new ReadyCase(
                                cluster(
                                        s -> {
                                            s.setEndpoints(
                                                    List.of(
                                                            "https://pve1:8006",
                                                            "https://pve2:8006/"));
                                            s.getTls().setFingerprint(null);
                                            s.getTls()
                                                    .setFingerprints(
                                                            List.of(
                                                                    new ProxmoxClusterSpec
                                                                            .EndpointFingerprint(
                                                                            "https://pve1:8006/",
                                                                            FINGERPRINT)));
                                        }),
                                healthy(),
                                token(),
                                CommonReason.InvalidSpec,
                                "spec.tls.fingerprints: no fingerprint for https://pve2:8006 (add an entry, or set spec.tls.fingerprint or spec.tls.caSecretRef)")));
    }

    @Test
    void eachEndpointGetsItsOwnPinAndTheCommonOneCoversTheRest() {
        String other = "CD:".repeat(31) + "CD";
        ProxmoxCluster cluster =
                cluster(
                        s -> {
                            s.setEndpoints(
                                    List.of(
                                            "https://pve1:8006",
                                            "https://pve2:8006",
                                            "https://pve3:8006"));
                            s.getTls()
                                    .setFingerprints(
                                            List.of(
                                                    new ProxmoxClusterSpec.EndpointFingerprint(
                                                            "https://pve2:8006/",
                                                            other.toLowerCase())));
                        });
        Plan plan = plan(cluster, healthy(), token());
        PveTls tls = plan.connect().orElseThrow().tls();

        assertThat(tls.fingerprintFor("https://pve1:8006")).isEqualTo(FINGERPRINT);
        assertThat(tls.fingerprintFor("https://pve2:8006")).isEqualTo(other);
        assertThat(tls.fingerprintFor("https://pve3:8006/")).isEqualTo(FINGERPRINT);
        assertThat(plan.tls().reason()).isEqualTo(ProxmoxClusterReason.PinnedFingerprint);
        String withoutPins = plan(cluster(), healthy(), token()).connect().orElseThrow().identity();
        assertThat(plan.connect().orElseThrow().identity()).isNotEqualTo(withoutPins);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readiness")
    void readyIsTheFirstBlockingConditionThatDoesNotHold(ReadyCase c) {
        Plan plan = plan(c.cluster(), c.outcome(), c.secrets());

        assertThat(plan.reason()).isEqualTo(c.reason());
        assertThat(plan.ready().status())
                .isEqualTo(
                        c.reason() == ProxmoxClusterReason.Ready
                                ? Conditions.TRUE
                                : Conditions.FALSE);
        if (c.message() != null) {
            assertThat(plan.message()).isEqualTo(c.message());
        }
    }

    @Test
    void withoutFreshFactsQuorumIsUnknownAndPrivilegesNotChecked() {
        Plan plan = plan(cluster(), PollOutcome.NONE, token());

        assertThat(plan.quorate().status()).isEqualTo(Conditions.UNKNOWN);
        assertThat(plan.quorate().reason()).isEqualTo(ProxmoxClusterReason.NotConnected);
        assertThat(plan.privileges().reason()).isEqualTo(ProxmoxClusterReason.NotChecked);
        assertThat(plan.privileges().message())
                .isEqualTo("checked after the first successful poll");
    }

    // ---------------------------------------------------------------- TLS

    record TlsCase(
            ProxmoxCluster cluster,
            Map<SecretKey, SecretValue> secrets,
            String status,
            Reason reason) {}

    static Stream<Named<TlsCase>> tlsPolicies() {
        return Stream.of(
                Named.of(
                        "pinned fingerprint",
                        new TlsCase(
                                cluster(),
                                token(),
                                Conditions.TRUE,
                                ProxmoxClusterReason.PinnedFingerprint)),
                Named.of(
                        "CA bundle",
                        new TlsCase(
                                cluster(
                                        s -> {
                                            s.getTls().setFingerprint(null);
                                            s.getTls()
                                                    .setCaSecretRef(
                                                            new SecretKeyRef("pve-ca", null));
                                        }),
                                with(token(), CA, SecretValue.of(PEM)),
                                Conditions.TRUE,
                                ProxmoxClusterReason.CaBundle)),
                Named.of(
                        "system trust store",
                        new TlsCase(
                                cluster(s -> s.setTls(null)),
                                token(),
                                Conditions.TRUE,
                                ProxmoxClusterReason.SystemTrust)),
                Named.of(
                        "verification off",
                        new TlsCase(
                                cluster(s -> s.getTls().setInsecureSkipVerify(true)),
                                token(),
                                Conditions.FALSE,
                                ProxmoxClusterReason.InsecureSkipVerify)),
                Named.of(
                        "settings not resolved",
                        new TlsCase(
                                cluster(),
                                with(
                                        token(),
                                        SECRET,
                                        SecretValue.missing(
                                                ProxmoxClusterReason.SecretKeyMissing, "x")),
                                Conditions.UNKNOWN,
                                ProxmoxClusterReason.NotConfigured)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tlsPolicies")
    void tlsVerifiedSaysHowTheCertificateIsChecked(TlsCase c) {
        Plan plan = plan(c.cluster(), healthy(), c.secrets());

        assertThat(plan.tls().status()).isEqualTo(c.status());
        assertThat(plan.tls().reason()).isEqualTo(c.reason());
    }

    @Test
    void insecureTlsDoesNotBlockReadinessAndReadsNoCaSecret() {
        ProxmoxCluster insecure =
                cluster(
                        s -> {
                            s.getTls().setInsecureSkipVerify(true);
                            s.getTls().setCaSecretRef(new SecretKeyRef("pve-ca", null));
                        });

        assertThat(ClusterSettingsResolver.secretKeys(insecure.getSpec()))
                .containsExactly(ID, SECRET);
        assertThat(plan(insecure, healthy(), token()).reason())
                .isEqualTo(ProxmoxClusterReason.Ready);
    }

    // ---------------------------------------------------------------- connection settings

    @Test
    void theConnectionIsKeptOnTheSettingsTheSpecAndSecretsGive() {
        ProxmoxCluster cluster =
                cluster(
                        s -> {
                            s.setPollIntervalSeconds(5);
                            ProxmoxClusterSpec.ClientSettings client =
                                    new ProxmoxClusterSpec.ClientSettings();
                            client.setMaxConcurrentTasksPerNode(2);
                            s.setClient(client);
                        });
        Plan plan = plan(cluster, PollOutcome.NONE, token());

        assertThat(plan.connect())
                .hasValueSatisfying(
                        settings -> {
                            assertThat(settings.endpoints()).containsExactly("https://pve1:8006");
                            assertThat(settings.token().tokenId()).isEqualTo(TOKEN_ID);
                            assertThat(settings.pollInterval()).isEqualTo(Duration.ofSeconds(5));
                            assertThat(settings.maxTasksPerNode()).isEqualTo(2);
                            assertThat(settings.requestsPerSecond())
                                    .isEqualTo(ClusterSettingsResolver.DEFAULT_REQUESTS_PER_SECOND);
                            assertThat(settings.tls().pinnedFingerprint()).isEqualTo(FINGERPRINT);
                            assertThat(settings.toString()).doesNotContain(TOKEN_SECRET);
                        });
    }

    @Test
    void aRotatedTokenGivesOtherSettingsSoTheConnectionIsReplaced() {
        String before = plan(cluster(), healthy(), token()).connect().orElseThrow().identity();
        String after =
                plan(
                                cluster(),
                                healthy(),
                                with(
                                        token(),
                                        SECRET,
                                        SecretValue.of("11111111-2222-3333-4444-555555555555")))
                        .connect()
                        .orElseThrow()
                        .identity();

        assertThat(after).isNotEqualTo(before);
        assertThat(plan(cluster(), healthy(), token()).connect().orElseThrow().identity())
                .isEqualTo(before);
    }

    @Test
    void anUnusableSecretLeavesTheConnectionAsItIsAndIsLookedAtAgainSoon() {
        Plan plan =
                plan(
                        cluster(),
                        healthy(),
                        with(
                                token(),
                                SECRET,
                                SecretValue.missing(ProxmoxClusterReason.SecretKeyMissing, "x")));

        assertThat(plan.connect()).isEmpty();
        assertThat(plan.requeue()).isEqualTo(ProxmoxClusterPlanner.SETTINGS_RETRY);
        assertThat(plan.needsHaGroups()).isFalse();
    }

    @Test
    void pollsDriveTheControllerAndTheRescheduleIsOnlyASafetyNet() {
        assertThat(plan(cluster(), healthy(), token()).requeue()).isEqualTo(Duration.ofMinutes(1));
        assertThat(plan(cluster(s -> s.setPollIntervalSeconds(30)), healthy(), token()).requeue())
                .isEqualTo(Duration.ofMinutes(2));
    }

    // ---------------------------------------------------------------- HA groups: when to look

    static Condition haCondition(String status, long generation) {
        return Conditions.set(
                        null, ClusterStatusBuilder.PLACEMENT, status, "x", "x", generation, NOW)
                .get(0);
    }

    /**
     * @param condition HaGroupsInSync in status, or null; @param lastCheck this operator's last
     *     read, or null
     */
    record HaCheckCase(Condition condition, Instant lastCheck, boolean due) {}

    static Stream<Named<HaCheckCase>> haGroupChecks() {
        return Stream.of(
                Named.of("never checked", new HaCheckCase(null, null, true)),
                Named.of(
                        "in sync 5 minutes ago",
                        new HaCheckCase(
                                haCondition(Conditions.TRUE, 2), NOW.minusSeconds(300), false)),
                Named.of(
                        "in sync 10 minutes ago",
                        new HaCheckCase(
                                haCondition(Conditions.TRUE, 2), NOW.minusSeconds(600), true)),
                Named.of(
                        "failed 30 seconds ago",
                        new HaCheckCase(
                                haCondition(Conditions.FALSE, 2), NOW.minusSeconds(30), false)),
                Named.of(
                        "failed a minute ago",
                        new HaCheckCase(
                                haCondition(Conditions.FALSE, 2), NOW.minusSeconds(60), true)),
                Named.of(
                        "checked for an older spec",
                        new HaCheckCase(
                                haCondition(Conditions.TRUE, 1), NOW.minusSeconds(5), true)),
                Named.of(
                        "in status but not since the operator started",
                        new HaCheckCase(haCondition(Conditions.TRUE, 2), null, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("haGroupChecks")
    void haGroupsAreReadWhenTheSpecChangedAndEveryFewMinutes(HaCheckCase c) {
        ProxmoxClusterStatus previous = new ProxmoxClusterStatus();
        if (c.condition() != null) {
            previous.setConditions(List.of(c.condition()));
        }
        ProxmoxClusterFacts facts =
                new ProxmoxClusterFacts(
                        new ClusterKey("store", "main"),
                        null,
                        healthy(),
                        token(),
                        Optional.ofNullable(c.lastCheck()),
                        Optional.empty());

        assertThat(ProxmoxClusterPlanner.plan(cluster(), previous, facts, NOW).needsHaGroups())
                .isEqualTo(c.due());
    }

    @Test
    void haGroupsAreNotReadWhileThePollFails() {
        Plan plan =
                plan(
                        cluster(),
                        failed(snapshot(true), PveErrorKind.CONNECTION, "refused"),
                        token());

        assertThat(plan.needsHaGroups()).isFalse();
        assertThat(plan.haGroups()).isEmpty();
    }

    // ---------------------------------------------------------------- HA groups: what to change

    static ProxmoxCluster declaring(ProxmoxClusterSpec.HaGroup... groups) {
        return cluster(s -> s.setHaGroups(List.of(groups)));
    }

    static ProxmoxClusterSpec.HaGroup group(String name, String... nodes) {
        ProxmoxClusterSpec.HaGroup g = new ProxmoxClusterSpec.HaGroup();
        g.setName(name);
        g.setNodes(
                Stream.of(nodes)
                        .map(
                                n -> {
                                    ProxmoxClusterSpec.HaGroupNode node =
                                            new ProxmoxClusterSpec.HaGroupNode();
                                    String[] parts = n.split(":");
                                    node.setNode(parts[0]);
                                    node.setPriority(
                                            parts.length > 1 ? Integer.valueOf(parts[1]) : null);
                                    return node;
                                })
                        .toList());
        return g;
    }

    static final String OURS = "pveha.io/cluster=store/main";

    static HaGroupSync.Plan groups(ProxmoxCluster cluster, HaGroup... existing) {
        ProxmoxClusterFacts facts = facts(healthy(), token()).withHaGroups(List.of(existing));
        Plan plan = ProxmoxClusterPlanner.plan(cluster, null, facts, NOW);
        assertThat(plan.needsHaGroups()).isFalse();
        return plan.haGroups().orElseThrow();
    }

    @Test
    void aMissingGroupIsCreatedWithOurMarker() {
        HaGroupSync.Plan plan = groups(declaring(group("frontline", "pve1:2", "pve2:2", "pve3:1")));

        assertThat(plan.actions())
                .containsExactly(
                        new HaGroupSync.CreateGroup(
                                "frontline",
                                Map.of(
                                        "group",
                                        "frontline",
                                        "nodes",
                                        "pve1:2,pve2:2,pve3:1",
                                        "restricted",
                                        false,
                                        "nofailback",
                                        false,
                                        "comment",
                                        OURS)));
        assertThat(HaGroupSync.outcome(plan, plan.actions()))
                .isEqualTo(
                        new HaGroupSync.Outcome(
                                true,
                                ProxmoxClusterReason.HaGroupsInSync,
                                "1 HA group(s) in sync (created frontline)"));
    }

    @Test
    void aDriftedGroupIsCorrectedAndOneThatMatchesInAnotherOrderIsLeftAlone() {
        ProxmoxCluster cluster =
                declaring(group("frontline", "pve1:2", "pve2:2"), group("db", "pve3"));
        HaGroupSync.Plan plan =
                groups(
                        cluster,
                        new HaGroup("frontline", "pve1:2,pve2:1", false, false, OURS, "d1"),
                        new HaGroup("db", "pve3", null, null, OURS, "d2"));

        assertThat(plan.actions())
                .containsExactly(
                        new HaGroupSync.UpdateGroup(
                                "frontline",
                                Map.of(
                                        "nodes",
                                        "pve1:2,pve2:2",
                                        "restricted",
                                        false,
                                        "nofailback",
                                        false,
                                        "comment",
                                        OURS)));
        assertThat(
                        groups(
                                        cluster,
                                        new HaGroup(
                                                "frontline",
                                                "pve2:2, pve1:2",
                                                false,
                                                false,
                                                OURS,
                                                "d1"),
                                        new HaGroup("db", "pve3", false, false, OURS, "d2"))
                                .actions())
                .isEmpty();
    }

    @Test
    void aGroupSomeoneElseMadeIsNeverChanged() {
        HaGroupSync.Plan plan =
                groups(
                        declaring(group("frontline", "pve1")),
                        new HaGroup("frontline", "pve2", true, false, "by hand", "d"));

        assertThat(plan.actions()).isEmpty();
        assertThat(plan.foreign()).containsExactly("frontline");
        assertThat(HaGroupSync.outcome(plan, List.of()))
                .satisfies(
                        o -> {
                            assertThat(o.inSync()).isFalse();
                            assertThat(o.reason()).isEqualTo(ProxmoxClusterReason.HaGroupNotOwned);
                            assertThat(o.message())
                                    .startsWith(
                                            "HA group(s) frontline exist in PVE and were not created by this ProxmoxCluster");
                        });
    }

    @Test
    void onlyOurGroupsThatAreNoLongerDeclaredAreRemoved() {
        HaGroupSync.Plan plan =
                groups(
                        declaring(),
                        new HaGroup("old", "pve1", false, false, OURS, "d"),
                        new HaGroup("manual", "pve1", false, false, null, "d"),
                        new HaGroup(
                                "other",
                                "pve1",
                                false,
                                false,
                                "pveha.io/cluster=store/other",
                                "d"));

        assertThat(plan.actions()).containsExactly(new HaGroupSync.DeleteGroup("old"));
        assertThat(HaGroupSync.outcome(plan, plan.actions()).message())
                .isEqualTo("no placement policies declared (removed old)");
    }

    @Test
    void aRefusedChangeIsReportedAsItsOwnReason() {
        assertThat(HaGroupSync.failed("POST /cluster/ha/groups: 500 boom"))
                .isEqualTo(
                        new HaGroupSync.Outcome(
                                false,
                                ProxmoxClusterReason.HaGroupSyncFailed,
                                "POST /cluster/ha/groups: 500 boom"));
    }
}
