package io.pveha.lb.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.lb.ConfigBundle;
import io.pveha.lb.HostLayout;
import io.pveha.lb.LbHost;
import io.pveha.lb.ManagedFile;
import io.pveha.lb.PairConfig;
import io.pveha.lb.Prerequisites;
import io.pveha.lb.TestPairs;
import io.pveha.lb.Vrrp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rendered files pass the real {@code haproxy -c} and {@code keepalived -t} from Debian. */
class RenderedConfigsPassHostChecksTest {
    @TempDir Path dir;

    static String iface;

    @BeforeAll
    static void needsBinariesAndAnInterface() throws IOException {
        Prerequisites.requireCommands("haproxy", "keepalived");
        try (Stream<Path> links = Files.list(Path.of("/sys/class/net"))) {
            // keepalived -t refuses interfaces that do not exist and loopback.
            iface =
                    links.map(p -> p.getFileName().toString())
                            .filter(n -> !n.equals("lo"))
                            .sorted()
                            .findFirst()
                            .orElse(null);
        }
        Prerequisites.require(iface != null, "no non-loopback network interface for keepalived -t");
    }

    @Test
    void vrrpV2WithAuthenticationPassesBothChecks() throws Exception {
        assertHostAccepts(pairIn(TestPairs.golden().vrrp()));
    }

    @Test
    void vrrpV3WithCentisecondAdvertsPassesBothChecks() throws Exception {
        assertHostAccepts(pairIn(new Vrrp(200, "192.0.2.10", 24, 3, 200, true, null)));
    }

    @Test
    void keepalivedRejectsAnInterfaceTheHostDoesNotHave() throws Exception {
        PairConfig pair = pairIn(TestPairs.golden().vrrp());
        LbHost lb1 = pair.hosts().get(0);
        LbHost missing =
                new LbHost(lb1.name(), lb1.address(), lb1.priority(), "nosuchif9", lb1.layout());
        ConfigBundle bundle =
                new BundleRenderer()
                        .render(TestPairs.withHosts(pair, missing, pair.hosts().get(1)), missing);
        install(bundle);
        Result result = run("keepalived", "-t", "-f", bundle.keepalivedConfig().path());
        assertThat(result.exitCode).isNotZero();
        assertThat(result.output).contains("nosuchif9");
    }

    private PairConfig pairIn(Vrrp vrrp) {
        HostLayout l1 = TestPairs.layout(dir.toString(), "lb1");
        HostLayout l2 = TestPairs.layout(dir.toString(), "lb2");
        PairConfig golden = TestPairs.golden();
        return new PairConfig(
                golden.namespace(),
                golden.name(),
                vrrp,
                List.of(
                        new LbHost("lb1", "192.0.2.11", 150, iface, l1),
                        new LbHost("lb2", "192.0.2.12", 100, iface, l2)),
                golden.services());
    }

    private void assertHostAccepts(PairConfig pair) throws Exception {
        for (LbHost host : pair.hosts()) {
            ConfigBundle bundle = new BundleRenderer().render(pair, host);
            install(bundle);
            Result haproxy = run("haproxy", "-c", "-f", bundle.haproxyConfig().path());
            assertThat(haproxy.exitCode).as(haproxy.output).isZero();
            Result keepalived = run("keepalived", "-t", "-f", bundle.keepalivedConfig().path());
            assertThat(keepalived.exitCode).as(keepalived.output).isZero();
            // A script keepalived considers unsafe is silently disabled; that would break VIP
            // tracking.
            assertThat(keepalived.output).doesNotContain("Disabling", "unsafe", "not executable");
        }
    }

    private static void install(ConfigBundle bundle) throws IOException {
        for (ManagedFile f : bundle.files()) {
            Path path = Path.of(f.path());
            Files.createDirectories(path.getParent());
            Files.writeString(path, f.content());
            Files.setPosixFilePermissions(
                    path,
                    PosixFilePermissions.fromString(
                            f.mode().equals("0755") ? "rwxr-xr-x" : "rw-------"));
        }
    }

    record Result(int exitCode, String output) {}

    private static Result run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
