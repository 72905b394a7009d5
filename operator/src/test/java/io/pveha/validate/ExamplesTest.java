package io.pveha.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * examples/ is the platform users copy: every file must validate, together, without a single
 * finding.
 */
class ExamplesTest {
    static final Path EXAMPLES = Path.of("../examples");

    static List<ManifestDocument> examples() throws Exception {
        List<ManifestDocument> documents = new ArrayList<>();
        for (Path file : ManifestReader.expand(EXAMPLES)) {
            documents.addAll(ManifestReader.read(file));
        }
        return documents;
    }

    @Test
    void everyExampleFileValidatesAsOneBundle() throws Exception {
        ValidationReport report =
                new BundleValidator(
                                SpecValidator.forBundledCrds(),
                                new BundleValidator.Options(true, "default"))
                        .validate(examples());
        assertThat(report.problems()).extracting(ProblemFormatter::text).isEmpty();
        assertThat(report.documents()).isEqualTo(19);
    }

    @Test
    void theExamplesShowEveryKindAndTheStoreServices() throws Exception {
        List<ManifestDocument> documents = examples();
        Set<String> kinds = documents.stream().map(d -> d.ref().kind()).collect(Collectors.toSet());
        assertThat(kinds)
                .contains(
                        "Namespace",
                        "Secret",
                        "ProxmoxCluster",
                        "CephPool",
                        "HaVm",
                        "LoadBalancerPair",
                        "BackupPolicy");
        assertThat(documents)
                .extracting(d -> d.ref().describe())
                .contains(
                        "HaVm/store-platform/debian-12-template",
                        "HaVm/store-platform/pos-api-1",
                        "HaVm/store-platform/pos-api-2",
                        "HaVm/store-platform/erp-db",
                        "HaVm/store-platform/payment-gateway");
    }

    @Test
    void everyExampleFileIsValidOnItsOwnApartFromReferences() throws Exception {
        // Each file alone only lacks what other files define; the single-object checks pass for
        // every document.
        for (ManifestDocument document : examples()) {
            if (SpecValidator.isPvehaGroup(document.ref().apiVersion())) {
                assertThat(SpecValidator.forBundledCrds().validate(document.content()))
                        .as(document.ref().source())
                        .isEmpty();
            }
        }
    }
}
