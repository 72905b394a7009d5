package io.pveha.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pveha.testing.kube.RealKubeApiServer;
import io.pveha.testing.kube.RealServerCrds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;

/**
 * {@code validate} claims to refuse exactly what kube-apiserver refuses: every pveha.io document of
 * every broken-manifest case, of the monitoring cases and of the examples goes to a real
 * kube-apiserver as a server-side dry run with strict field validation, and the answers are
 * compared with {@code validate}'s own schema, metadata and CEL findings (its cross-document and
 * semantic checks are beyond what a server checks, so they are left out of the comparison).
 *
 * <p>Accept or refuse, and the fields named, must agree for every document. Where the wording
 * differs the test prints both; {@link #KNOWN_WORDING} lists the differences we accept and why.
 */
class ValidateAgreesWithApiServerIT {
    static RealKubeApiServer kube;
    static KubernetesClient client;

    /**
     * Documents whose refusal reads differently on the server, each with the reason we keep our
     * wording. Empty means every message matches word for word.
     */
    static final Set<String> KNOWN_WORDING = Set.of();

    @BeforeAll
    static void start() throws Exception {
        kube = RealKubeApiServer.builder().start();
        client = kube.client();
        RealServerCrds.installAndAwait(client);
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

    record Verdict(boolean refused, Set<String> fields, Set<String> messages) {}

    @Test
    void everyCaseIsAcceptedOrRefusedAlikeOnTheSameFields() throws Exception {
        List<Named<BrokenManifestsTest.Case>> cases =
                new ArrayList<>(BrokenManifestsTest.cases().toList());
        for (Named<MonitoringValidationTest.Case> m : MonitoringValidationTest.cases().toList()) {
            String yaml =
                    MonitoringValidationTest.VALID.replace(
                            m.getPayload().from(), m.getPayload().to());
            cases.add(
                    Named.of(
                            "monitoring: " + m.getName(),
                            new BrokenManifestsTest.Case(yaml, List.of())));
        }
        try (Stream<Path> examples = Files.list(RealServerCrds.repo().resolve("examples"))) {
            for (Path example : examples.sorted().toList()) {
                cases.add(
                        Named.of(
                                "example " + example.getFileName(),
                                new BrokenManifestsTest.Case(
                                        Files.readString(example), List.of())));
            }
        }
        SpecValidator ours = SpecValidator.forBundledCrds();
        List<String> disagreements = new ArrayList<>();
        List<String> wording = new ArrayList<>();
        int documents = 0;
        int refused = 0;
        for (Named<BrokenManifestsTest.Case> c : cases) {
            List<ManifestDocument> docs;
            try {
                docs = ManifestReader.read(BrokenManifestsTest.CASE, c.getPayload().yaml());
            } catch (ManifestReader.InputException unreadable) {
                continue; // YAML that kubectl could not read either: nothing reaches a server
            }
            for (ManifestDocument doc : docs) {
                JsonNode content = doc.content();
                if (!SpecValidator.isPvehaGroup(content.path("apiVersion").asText(""))
                        || !doc.readerFindings().isEmpty()) {
                    continue;
                }
                documents++;
                Verdict server = server(content);
                Verdict local = ours(ours, content);
                if (server.fields().stream().anyMatch(f -> f.startsWith("(strict) "))) {
                    local = strictOnly(local);
                }
                refused += server.refused() ? 1 : 0;
                String what = c.getName() + " / " + content.path("kind").asText();
                if (local.refused() != server.refused()
                        || !local.fields().equals(server.fields())) {
                    disagreements.add(
                            what + "\n    validate: " + local + "\n    server:   " + server);
                } else if (!local.messages().equals(server.messages())
                        && !KNOWN_WORDING.contains(c.getName())) {
                    wording.add(
                            what
                                    + "\n    validate: "
                                    + local.messages()
                                    + "\n    server:   "
                                    + server.messages());
                }
            }
        }
        System.out.printf(
                "validate vs kube-apiserver: %d cases, %d documents, %d refused by the server, %d disagreements, %d wording differences%n",
                cases.size(), documents, refused, disagreements.size(), wording.size());
        wording.forEach(w -> System.out.println("wording: " + w));
        assertThat(refused).as("broken cases the server refused").isGreaterThanOrEqualTo(25);
        assertThat(disagreements).as("accept/refuse or fields differ").isEmpty();
        assertThat(wording).as("messages differ").isEmpty();
    }

    private static Verdict ours(SpecValidator validator, JsonNode content) {
        Set<String> fields = new TreeSet<>();
        Set<String> messages = new TreeSet<>();
        for (Finding f : validator.checkAsApiServer(content)) {
            FieldError e = f.error();
            if (SpecValidator.CEL_SKIPPED.equals(e.detail())) {
                // validate prints it as a note; the server sends it as a cause without a field.
                fields.add("");
                messages.add(SpecValidator.CEL_SKIPPED);
                continue;
            }
            if (f.severity() != Severity.ERROR) {
                continue;
            }
            if (e.type() == FieldError.Type.STRICT_DECODING) {
                messages.add(e.body());
                fields.add("(strict) " + e.body());
            } else {
                String field = e.field() == null ? "" : e.field();
                fields.add(field);
                messages.add(field.isEmpty() ? e.body() : field + ": " + e.body());
            }
        }
        return new Verdict(!fields.isEmpty(), fields, messages);
    }

    private static Verdict server(JsonNode content) {
        String apiVersion = content.path("apiVersion").asText("");
        String kind = content.path("kind").asText("");
        if (!served(apiVersion, kind)) {
            // kubectl stops here, from the server's discovery, before sending anything.
            String message =
                    "no matches for kind "
                            + GoFormat.quote(kind)
                            + " in version "
                            + GoFormat.quote(apiVersion);
            return new Verdict(true, Set.of("(strict) " + message), Set.of(message));
        }
        String namespace = content.path("metadata").path("namespace").asText("default");
        if (client.namespaces().withName(namespace).get() == null) {
            client.resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(namespace)
                                    .endMetadata()
                                    .build())
                    .create();
        }
        GenericKubernetesResource resource =
                Serialization.unmarshal(content.toString(), GenericKubernetesResource.class);
        try {
            client.resource(resource)
                    .inNamespace(namespace)
                    .dryRun()
                    .fieldValidation(FieldValidateable.Validation.STRICT)
                    .create();
            return new Verdict(false, Set.of(), Set.of());
        } catch (KubernetesClientException refusal) {
            Set<String> fields = new TreeSet<>();
            Set<String> messages = new TreeSet<>();
            if (refusal.getStatus() != null
                    && refusal.getStatus().getDetails() != null
                    && refusal.getStatus().getDetails().getCauses() != null
                    && !refusal.getStatus().getDetails().getCauses().isEmpty()) {
                for (StatusCause cause : refusal.getStatus().getDetails().getCauses()) {
                    String field =
                            cause.getField() == null || cause.getField().equals("<nil>")
                                    ? ""
                                    : cause.getField();
                    String message = cause.getMessage();
                    if (message.equals("Invalid value: null: " + SpecValidator.CEL_SKIPPED)) {
                        message = SpecValidator.CEL_SKIPPED;
                    }
                    fields.add(field);
                    messages.add(field.isEmpty() ? message : field + ": " + message);
                }
            } else {
                String message =
                        refusal.getStatus() == null
                                ? refusal.getMessage()
                                : refusal.getStatus().getMessage();
                int strict = message == null ? -1 : message.indexOf(STRICT);
                if (strict < 0) {
                    throw refusal;
                }
                // HaVm in version "v1alpha1" cannot be handled as a HaVm: strict decoding error:
                // unknown field "spec.a", unknown field "spec.b"
                for (String finding : message.substring(strict + STRICT.length()).split(", ")) {
                    fields.add("(strict) " + finding);
                    messages.add(finding);
                }
            }
            return new Verdict(true, fields, messages);
        }
    }

    static final String STRICT = "strict decoding error: ";

    private static boolean served(String apiVersion, String kind) {
        var resources = client.getApiResources(apiVersion);
        return resources != null
                && resources.getResources().stream().anyMatch(r -> r.getKind().equals(kind));
    }

    /**
     * Under strict field validation the server answers unknown and duplicate fields alone, before
     * any schema check; validate reports them together with everything else. So when the server
     * names unknown fields, only validate's strict findings are compared.
     */
    private static Verdict strictOnly(Verdict local) {
        Set<String> fields = new TreeSet<>();
        Set<String> messages = new TreeSet<>();
        for (String f : local.fields()) {
            if (f.startsWith("(strict) ")) {
                fields.add(f);
                messages.add(f.substring("(strict) ".length()));
            }
        }
        return new Verdict(!fields.isEmpty(), fields, messages);
    }

    @Test
    void theHarnessSeesARefusal() throws Exception {
        // Guards the comparison above against a server that accepts everything.
        Verdict v =
                server(
                        Serialization.jsonMapper()
                                .readTree(
                                        """
                                        {"apiVersion":"pveha.io/v1alpha1","kind":"HaVm",
                                         "metadata":{"name":"x","namespace":"shop"},
                                         "spec":{"clusterRef":{"name":"pve"},"memoryMiB":"lots"}}
                                        """));
        assertThat(v.refused()).isTrue();
        assertThat(v.fields()).contains("spec.memoryMiB");
    }
}
