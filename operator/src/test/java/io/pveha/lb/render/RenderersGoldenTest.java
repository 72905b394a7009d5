package io.pveha.lb.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.lb.ConfigBundle;
import io.pveha.lb.PairConfig;
import io.pveha.lb.TestPairs;
import io.pveha.lb.Vrrp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Rendered files compared with reviewed golden copies. After an intended change, regenerate with
 * {@code -Dpveha.updateGolden=true} and review the diff.
 */
class RenderersGoldenTest {
    static final Path GOLDEN = Path.of("src/test/resources/lb/golden");

    final BundleRenderer renderer = new BundleRenderer();

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "keepalived-lb1.conf, 0",
        "keepalived-lb2.conf, 1",
        "haproxy-lb1.cfg, 0",
        "pveha-notify.sh, 0",
        "pveha-check-haproxy.sh, 0"
    })
    void renderedFileMatchesGolden(String golden, int host) throws IOException {
        PairConfig pair = TestPairs.golden();
        ConfigBundle bundle = renderer.render(pair, pair.hosts().get(host));
        String rendered =
                golden.startsWith("keepalived")
                        ? bundle.keepalivedConfig().content()
                        : golden.startsWith("haproxy")
                                ? bundle.haproxyConfig().content()
                                : bundle.scripts().stream()
                                        .filter(f -> f.path().endsWith("/" + golden))
                                        .findFirst()
                                        .orElseThrow()
                                        .content();
        assertGolden(golden, rendered);
    }

    @Test
    void vrrpV3RendersCentisecondAdvertsWithoutAuthentication() {
        PairConfig pair =
                TestPairs.withVrrp(
                        TestPairs.golden(), new Vrrp(7, "192.0.2.10", 24, 3, 200, true, null));
        String conf = renderer.render(pair, pair.hosts().get(0)).keepalivedConfig().content();
        assertThat(conf)
                .contains("    version 3\n", "    advert_int 0.2\n")
                .doesNotContain("authentication");
    }

    @Test
    void nopreemptStartsBothHostsAsBackup() {
        PairConfig pair =
                TestPairs.withVrrp(
                        TestPairs.golden(), new Vrrp(7, "192.0.2.10", 24, 2, 1000, false, null));
        assertThat(renderer.render(pair, pair.hosts().get(0)).keepalivedConfig().content())
                .contains("    state BACKUP\n", "    nopreempt\n");
    }

    @Test
    void hashDependsOnContentAndIsStable() {
        PairConfig pair = TestPairs.golden();
        ConfigBundle lb1 = renderer.render(pair, pair.hosts().get(0));
        assertThat(lb1.hash())
                .matches("[0-9a-f]{64}")
                .isEqualTo(renderer.render(pair, pair.hosts().get(0)).hash());
        assertThat(renderer.render(pair, pair.hosts().get(1)).hash()).isNotEqualTo(lb1.hash());
        assertThat(lb1.toString()).doesNotContain("s3cret");
        assertThat(lb1.keepalivedConfig().mode()).isEqualTo("0600");
    }

    static void assertGolden(String name, String actual) throws IOException {
        Path file = GOLDEN.resolve(name);
        if (Boolean.getBoolean("pveha.updateGolden")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, actual);
        }
        assertThat(file)
                .as("golden file %s (regenerate with -Dpveha.updateGolden=true)", file)
                .exists();
        assertThat(actual).isEqualTo(Files.readString(file));
    }
}
