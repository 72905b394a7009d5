package io.pveha.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How fast validate is. Not a test (the name does not end in Test, so the default build skips it);
 * run it with
 *
 * <pre>
 * mvn -q -pl operator -am test -Dtest=ValidatorBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * It makes COPIES copies of examples/ (each in its own namespace, with its own cluster endpoints,
 * addresses and router id), validates them as one bundle, prints the time per hundred documents,
 * and writes the manifests to target/benchmark-manifests/ so the command line can be timed on the
 * same input: {@code time java -jar operator/target/pve-ha-operator.jar validate -f
 * operator/target/benchmark-manifests}.
 */
class ValidatorBenchmark {
    static final int COPIES = Integer.getInteger("copies", 40);
    static final int ROUNDS = 20;

    @Test
    void validateCopiesOfTheExamples() throws Exception {
        List<Path> files = ManifestReader.expand(Path.of("../examples"));
        List<String> texts = new ArrayList<>();
        Path out = Path.of("target/benchmark-manifests");
        Files.createDirectories(out);
        for (int copy = 0; copy < COPIES; copy++) {
            for (Path file : files) {
                String text =
                        Files.readString(file)
                                .replace("store-platform", "store-%03d".formatted(copy))
                                .replace(".example.com", ".s%03d.example.com".formatted(copy))
                                .replace("10.20.0.", "10.%d.%d.".formatted(copy / 200, copy % 200))
                                .replace(
                                        "virtualRouterId: 51",
                                        "virtualRouterId: " + (1 + copy % 255));
                texts.add(text);
                Files.writeString(out.resolve("%03d-%s".formatted(copy, file.getFileName())), text);
            }
        }

        long coldStart = System.nanoTime();
        ValidationReport first = run(texts);
        double coldMillis = (System.nanoTime() - coldStart) / 1e6;
        assertThat(first.errors()).isZero();

        long best = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            run(texts);
            best = Math.min(best, System.nanoTime() - start);
        }
        int documents = first.documents();
        System.out.printf(
                "ValidatorBenchmark: %d documents (%d copies of examples/); first run %.0f ms including"
                        + " loading the CRDs and preparing the CEL programs; best of %d warm runs %.1f ms = %.2f ms per 100 documents%n",
                documents, COPIES, coldMillis, ROUNDS, best / 1e6, best / 1e6 / documents * 100);
    }

    private static ValidationReport run(List<String> texts) throws Exception {
        List<ManifestDocument> documents = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            documents.addAll(ManifestReader.read("bench-" + i + ".yaml", texts.get(i)));
        }
        return new BundleValidator(
                        SpecValidator.forBundledCrds(), BundleValidator.Options.defaults())
                .validate(documents);
    }
}
