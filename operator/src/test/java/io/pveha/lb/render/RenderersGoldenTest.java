package io.pveha.lb.render;

import io.pveha.lb.ConfigBundle;
import io.pveha.lb.PairConfig;
import io.pveha.lb.TestPairs;
import io.pveha.lb.Vrrp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rendered files compared with reviewed golden copies. After an intended change, regenerate with
 * {@code -Dpveha.updateGolden=true} and review the diff.
 */
class RenderersGoldenTest {
    static final Path GOLDEN = Path.of("src/test/resources/lb/golden");

    final BundleRenderer renderer = new BundleRenderer();

    @Test
    void masterKeepalivedConfigMatchesGolden() throws IOException {
        PairConfig pair = TestPairs.golden();
        assertGolden("keepalived-lb1.conf", renderer.render(pair, pair.hosts().get(0)).keepalivedConfig().content());
    }

    @Test
    void backupKeepalivedConfigMatchesGolden() throws IOException {
        PairConfig pair = TestPairs.golden();
        assertGolden("keepalived-lb2.conf", renderer.render(pair, pair.hosts().get(1)).keepalivedConfig().content());
    }

    @Test
    void haproxyConfigMatchesGolden() throws IOException {
        PairConfig pair = TestPairs.golden();
        assertGolden("haproxy-lb1.cfg", renderer.render(pair, pair.hosts().get(0)).haproxyConfig().content());
    }

    @Test
    void scriptsMatchGolden() throws IOException {
        PairConfig pair = TestPairs.golden();
        ConfigBundle bundle = renderer.render(pair, pair.hosts().get(0));
        assertGolden("pveha-notify.sh", bundle.scripts().get(0).content());
        assertGolden("pveha-check-haproxy.sh", bundle.scripts().get(1).content());
    }

    @Test
    void vrrpV3RendersCentisecondAdvertsWithoutAuthentication() {
        PairConfig pair = TestPairs.withVrrp(TestPairs.golden(), new Vrrp(7, "192.0.2.10", 24, 3, 200, true, null));
        String conf = renderer.render(pair, pair.hosts().get(0)).keepalivedConfig().content();
        assertThat(conf).contains("    version 3\n", "    advert_int 0.2\n").doesNotContain("authentication");
    }

    @Test
    void nopreemptStartsBothHostsAsBackup() {
        PairConfig pair = TestPairs.withVrrp(TestPairs.golden(), new Vrrp(7, "192.0.2.10", 24, 2, 1000, false, null));
        assertThat(renderer.render(pair, pair.hosts().get(0)).keepalivedConfig().content())
                .contains("    state BACKUP\n", "    nopreempt\n");
    }

    @Test
    void hashDependsOnContentAndIsStable() {
        PairConfig pair = TestPairs.golden();
        ConfigBundle lb1 = renderer.render(pair, pair.hosts().get(0));
        assertThat(lb1.hash()).matches("[0-9a-f]{64}").isEqualTo(renderer.render(pair, pair.hosts().get(0)).hash());
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
        assertThat(file).as("golden file %s (regenerate with -Dpveha.updateGolden=true)", file).exists();
        assertThat(actual).isEqualTo(Files.readString(file));
    }
}
