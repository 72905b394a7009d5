package io.pveha.lb.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.lb.ConfigBundle;
import io.pveha.lb.LbHost;
import io.pveha.lb.ManagedFile;
import io.pveha.lb.PairConfig;
import io.pveha.lb.TestPairs;
import io.pveha.lb.observe.HostObservation;
import io.pveha.lb.observe.HostObserver;
import io.pveha.lb.render.BundleRenderer;
import io.pveha.lb.ssh.CommandResult;
import io.pveha.lb.ssh.HostChannel;
import io.pveha.lb.ssh.RemoteCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The apply sequence against a host that answers like a real one would, step by step: what is run
 * in which order, and what happens when the config test refuses, when the reload does not take, and
 * when the host is not prepared. (The lab tests run the same against real daemons.)
 */
class ConfigApplierTest {
    final PairConfig pair = TestPairs.golden();
    final LbHost lb2 = pair.hosts().get(1);
    final ConfigBundle oldBundle = new BundleRenderer().render(pair, lb2);
    final ConfigBundle newBundle =
            new BundleRenderer()
                    .render(
                            TestPairs.withServices(
                                    pair,
                                    List.of(
                                            TestPairs.web(
                                                    List.of(
                                                            TestPairs.server(
                                                                    "app9", "192.0.2.29", 8080))))),
                            lb2);
    final FakeHost host = new FakeHost(oldBundle);
    final ConfigApplier applier =
            new ConfigApplier(
                    new HostObserver(Duration.ofSeconds(1)), Duration.ofMillis(50), d -> {});

    @Test
    void uploadsValidatesInstallsReloadsAndVerifiesInThatOrder() {
        ConfigApplier.Result result =
                applier.apply(host, lb2, newBundle, host.observation(), "direct");

        assertThat(result).isEqualTo(new ConfigApplier.Result(ConfigApplier.Outcome.APPLIED, ""));
        assertThat(host.steps())
                .containsExactly(
                        "mkdir",
                        "upload",
                        "upload",
                        "upload",
                        "upload",
                        "backup+scripts",
                        "haproxy -c",
                        "keepalived -t",
                        "install configs",
                        "reload haproxy",
                        "reload keepalived",
                        "observe",
                        "finish");
        assertThat(host.runs(newBundle)).isTrue();
    }

    @Test
    void aConfigTheHostRefusesIsNeverInstalledAndItsWordsAreReportedWithoutSecrets() {
        host.keepalivedCheck =
                new CommandResult(
                        5,
                        "",
                        "(Line 20) auth_pass s3cret.1 is bad\nNon-existent interface specified in configuration\n");

        ConfigApplier.Result result =
                applier.apply(host, lb2, newBundle, host.observation(), "direct");

        assertThat(result.outcome()).isEqualTo(ConfigApplier.Outcome.REJECTED);
        assertThat(result.message())
                .isEqualTo(
                        "keepalived -t rejected the new configuration (exit 5): "
                                + "(Line 20) auth_pass *** is bad; Non-existent interface specified in configuration");
        assertThat(host.steps())
                .containsExactly(
                        "mkdir",
                        "upload",
                        "upload",
                        "upload",
                        "upload",
                        "backup+scripts",
                        "haproxy -c",
                        "keepalived -t",
                        "restore",
                        "remove staged");
        assertThat(host.runs(oldBundle)).isTrue();
    }

    @Test
    void haproxysRefusalStopsBeforeKeepalivedIsEvenAsked() {
        host.haproxyCheck =
                new CommandResult(
                        1,
                        "",
                        "[NOTICE]   (1) : haproxy version is 2.6.12\n[ALERT]    (1) : config : parsing [x:3]: unknown keyword\n");

        ConfigApplier.Result result =
                applier.apply(host, lb2, newBundle, host.observation(), "direct");

        assertThat(result.message())
                .isEqualTo(
                        "haproxy -c rejected the new configuration (exit 1): [ALERT]    (1) : config : parsing [x:3]: unknown keyword");
        assertThat(host.steps()).doesNotContain("keepalived -t", "install configs");
    }

    @Test
    void aReloadThatDoesNotTakeIsRolledBack() {
        host.reloadStartsWorker = false;

        ConfigApplier.Result result =
                applier.apply(host, lb2, newBundle, host.observation(), "direct");

        assertThat(result.outcome()).isEqualTo(ConfigApplier.Outcome.ROLLED_BACK);
        assertThat(result.message())
                .startsWith(
                        "after installing: haproxy did not start a new worker (the old one still serves) within 50 ms;")
                .contains("restored the previous configuration");
        assertThat(host.steps())
                .containsSubsequence(
                        "install configs",
                        "reload haproxy",
                        "observe",
                        "has previous",
                        "restore",
                        "observe",
                        "reload haproxy");
        assertThat(host.runs(oldBundle)).isTrue();
    }

    @Test
    void aFirstApplyStartsTheDaemonsAndCannotRollBackToNothing() {
        FakeHost empty = new FakeHost(null);
        empty.startFails = true;

        ConfigApplier.Result result =
                applier.apply(empty, lb2, newBundle, empty.observation(), "direct");

        assertThat(empty.steps()).contains("start haproxy", "start keepalived", "has previous");
        assertThat(result.outcome()).isEqualTo(ConfigApplier.Outcome.FAILED);
        assertThat(result.message()).contains("no previous configuration to roll back to");
    }

    @Test
    void aHostWithoutNonlocalBindIsNotTouched() {
        host.nonlocalBind = false;

        ConfigApplier.Result result =
                applier.apply(host, lb2, newBundle, host.observation(), "direct");

        assertThat(result.outcome()).isEqualTo(ConfigApplier.Outcome.PRECONDITION_FAILED);
        assertThat(result.message()).contains("ip_nonlocal_bind");
        assertThat(host.steps()).isEmpty();
    }

    @Test
    void systemdHostsAreReloadedThroughSystemctl() {
        applier.apply(host, lb2, newBundle, host.observation(), "systemd");

        assertThat(host.scripts)
                .anySatisfy(s -> assertThat(s).endsWith("systemctl reload haproxy"))
                .anySatisfy(s -> assertThat(s).isEqualTo("systemctl reload keepalived"));
    }

    static Map<String, String> hashes(ConfigBundle bundle) {
        return bundle.files().stream()
                .collect(Collectors.toMap(ManagedFile::path, ManagedFile::sha256));
    }

    /**
     * A host that answers each command of the sequence as a real one would, keeping file hashes per
     * path.
     */
    static final class FakeHost implements HostChannel {
        private static final java.util.regex.Pattern UPLOAD =
                java.util.regex.Pattern.compile("cat > '([^']+)\\.pveha-new'");
        Map<String, String> files = new java.util.HashMap<>();
        final Map<String, String> staged = new java.util.HashMap<>();
        Map<String, String> previous;
        boolean haproxyUp;
        boolean keepalivedUp;
        boolean nonlocalBind = true;
        boolean reloadStartsWorker = true;
        boolean startFails;
        int workerPid = 100;
        CommandResult haproxyCheck = new CommandResult(0, "Configuration file is valid\n", "");
        CommandResult keepalivedCheck = new CommandResult(0, "", "");
        final List<String> steps = new ArrayList<>();
        final List<String> scripts = new ArrayList<>();

        FakeHost(ConfigBundle installed) {
            if (installed != null) {
                files.putAll(hashes(installed));
            }
            this.haproxyUp = installed != null;
            this.keepalivedUp = installed != null;
        }

        boolean runs(ConfigBundle bundle) {
            return files.equals(hashes(bundle));
        }

        HostObservation observation() {
            return new HostObservation(
                    "direct",
                    true,
                    List.of(),
                    keepalivedUp,
                    haproxyUp,
                    haproxyUp,
                    haproxyUp ? String.valueOf(workerPid) : null,
                    "BACKUP",
                    null,
                    List.of(),
                    files,
                    nonlocalBind,
                    false);
        }

        List<String> steps() {
            return steps;
        }

        @Override
        public CommandResult run(RemoteCommand command) {
            String s = command.script();
            scripts.add(s);
            CommandResult ok = new CommandResult(0, "", "");
            if (s.startsWith("manager=")) {
                steps.add("observe");
                StringBuilder out =
                        new StringBuilder(
                                "@@manager direct\n@@keepalived "
                                        + (keepalivedUp ? "up" : "down")
                                        + "\n@@haproxy "
                                        + (haproxyUp ? "up" : "down")
                                        + "\n@@stats\n");
                if (haproxyUp) {
                    out.append("Pid: ").append(workerPid).append('\n');
                }
                out.append("@@files\n");
                files.forEach(
                        (path, hex) -> out.append(hex).append("  ").append(path).append('\n'));
                out.append("@@nonlocal 1\n");
                return new CommandResult(0, out.toString(), "");
            }
            if (s.startsWith("mkdir -p")) {
                steps.add("mkdir");
            } else if (s.startsWith("umask 077 && cat > ")) {
                steps.add("upload");
                java.util.regex.Matcher m = UPLOAD.matcher(s);
                assertThat(m.find()).isTrue();
                staged.put(m.group(1), io.pveha.lb.Hashes.sha256Hex(command.stdin()));
            } else if (s.startsWith("touch ")) {
                steps.add("backup+scripts");
                previous = new java.util.HashMap<>(files);
                staged.forEach(
                        (path, hex) -> {
                            if (path.endsWith(".sh")) {
                                files.put(path, hex);
                            }
                        });
            } else if (s.startsWith("haproxy -c -f")) {
                steps.add("haproxy -c");
                return haproxyCheck;
            } else if (s.startsWith("keepalived -t -f")) {
                steps.add("keepalived -t");
                return keepalivedCheck;
            } else if (s.startsWith("mv -f ") && s.contains(".pveha-new")) {
                steps.add("install configs");
                staged.forEach(
                        (path, hex) -> {
                            if (!path.endsWith(".sh")) {
                                files.put(path, hex);
                            }
                        });
            } else if (s.startsWith("prev=")) {
                steps.add("restore");
                files = new java.util.HashMap<>(previous);
            } else if (s.startsWith("rm -f ") && s.contains(".pveha-new")) {
                steps.add("remove staged");
            } else if (s.startsWith("rm -f ")) {
                steps.add("finish");
            } else if (s.startsWith("[ -e ")) {
                steps.add("has previous");
                return previous == null || previous.isEmpty() ? new CommandResult(1, "", "") : ok;
            } else if (s.contains("kill -USR2") || s.endsWith("systemctl reload haproxy")) {
                steps.add("reload haproxy");
                if (reloadStartsWorker || files.equals(previous)) {
                    workerPid++;
                }
            } else if (s.contains("kill -HUP") || s.equals("systemctl reload keepalived")) {
                steps.add("reload keepalived");
            } else if (s.contains("haproxy -W -D")) {
                steps.add("start haproxy");
                haproxyUp = !startFails;
            } else if (s.contains("setsid -f keepalived")) {
                steps.add("start keepalived");
                keepalivedUp = !startFails;
            } else {
                steps.add("? " + s);
            }
            return ok;
        }

        @Override
        public String hostKeyFingerprint() {
            return "SHA256:test";
        }
    }
}
