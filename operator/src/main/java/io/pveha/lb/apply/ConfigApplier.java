package io.pveha.lb.apply;

import io.pveha.lb.ConfigBundle;
import io.pveha.lb.HostLayout;
import io.pveha.lb.LbHost;
import io.pveha.lb.ManagedFile;
import io.pveha.lb.observe.HostObservation;
import io.pveha.lb.observe.HostObserver;
import io.pveha.lb.ssh.CommandResult;
import io.pveha.lb.ssh.HostChannel;
import io.pveha.lb.ssh.HostChannelException;
import io.pveha.lb.ssh.RemoteCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Installs a rendered bundle on one host so that a bad configuration is never installed and a good
 * one takes effect without dropping connections:
 *
 * <ol>
 *   <li>upload every file next to its destination as {@code FILE.pveha-new} (same filesystem, so
 *       the later rename is atomic);
 *   <li>mark the apply pending, keep the current files as {@code FILE.pveha-prev}, install the
 *       scripts (keepalived's test needs them in place);
 *   <li>validate the new files with the host's own {@code haproxy -c -f} and {@code keepalived -t
 *       -f}; on rejection restore the scripts, delete the new files and stop: nothing else changed;
 *   <li>rename the configurations into place, reload (haproxy master-worker reload, keepalived
 *       SIGHUP) or start the daemons if they are not running;
 *   <li>verify: both daemons alive, a new haproxy worker answering, the installed hash equal to the
 *       rendered one; otherwise put the previous files back and reload again.
 * </ol>
 *
 * The pending mark stays if the apply is cut off (lost connection), so the next pass applies again
 * even though the files' hash may already match.
 */
public final class ConfigApplier {
    /** How an apply ended. */
    public enum Outcome {
        /** Installed, reloaded and verified. */
        APPLIED,
        /** The host's own config test refused it; the running configuration is untouched. */
        REJECTED,
        /** The host is not prepared (e.g. ip_nonlocal_bind); nothing was changed. */
        PRECONDITION_FAILED,
        /** Installed but the daemons did not come up with it; the previous files were restored. */
        ROLLED_BACK,
        /**
         * The apply could not finish (connection lost, nothing to roll back to); the next pass
         * retries.
         */
        FAILED
    }

    /** The outcome and, unless APPLIED, the reason in the host's own words (secrets redacted). */
    public record Result(Outcome outcome, String message) {
        public boolean applied() {
            return outcome == Outcome.APPLIED;
        }
    }

    /** Waits between verification polls; tests pass a no-op. */
    @FunctionalInterface
    public interface Pause {
        void sleep(Duration duration) throws InterruptedException;
    }

    static final String NEW = ".pveha-new";
    static final String PREV = ".pveha-prev";
    private static final Duration POLL = Duration.ofMillis(200);

    private final HostObserver observer;
    private final Duration verifyTimeout;
    private final Pause pause;

    public ConfigApplier(HostObserver observer, Duration verifyTimeout, Pause pause) {
        this.observer = observer;
        this.verifyTimeout = verifyTimeout;
        this.pause = pause;
    }

    /**
     * @param before the observation this decision was based on (which daemons run, which worker
     *     answers)
     * @param serviceManager "systemd" or "direct", as observed
     */
    public Result apply(
            HostChannel channel,
            LbHost host,
            ConfigBundle bundle,
            HostObservation before,
            String serviceManager) {
        DaemonControl control = DaemonControl.forManager(serviceManager);
        HostLayout layout = host.layout();
        List<ManagedFile> files = bundle.files();
        List<String> paths = bundle.paths();
        List<String> scripts = bundle.scripts().stream().map(ManagedFile::path).toList();
        try {
            if (!before.nonlocalBind()) {
                return new Result(
                        Outcome.PRECONDITION_FAILED,
                        "net.ipv4.ip_nonlocal_bind is 0 on "
                                + host.name()
                                + ": haproxy could not bind the VIP while the peer holds it; set it to 1 (sysctl) on both hosts");
            }
            require(channel, mkdirs(layout, paths), "create directories");
            for (ManagedFile file : files) {
                require(
                        channel,
                        RemoteCommand.of(
                                        "umask 077 && cat > {} && chmod {} {}",
                                        file.path() + NEW,
                                        file.mode(),
                                        file.path() + NEW)
                                .withStdin(file.bytes()),
                        "upload " + file.path());
            }
            require(channel, backupAndInstall(layout, paths, scripts), "install scripts");

            String rejection = validate(channel, bundle);
            if (rejection != null) {
                restore(channel, scripts);
                require(channel, removeStaged(layout, paths), "remove staged files");
                return new Result(Outcome.REJECTED, bundle.redact(rejection));
            }

            List<String> configs =
                    List.of(bundle.haproxyConfig().path(), bundle.keepalivedConfig().path());
            require(
                    channel,
                    RemoteCommand.of(
                            "mv -f {} {} && mv -f {} {}",
                            configs.get(0) + NEW,
                            configs.get(0),
                            configs.get(1) + NEW,
                            configs.get(1)),
                    "install configuration");
            activate(channel, control, layout, before);
            String problem =
                    verify(
                            channel,
                            host,
                            serviceManager,
                            paths,
                            bundle.hash(),
                            workerToReplace(before));
            if (problem == null) {
                require(channel, RemoteCommand.of("rm -f {}", layout.applyPendingFile()), "finish");
                return new Result(Outcome.APPLIED, "");
            }
            return rollBack(channel, host, bundle, serviceManager, control, before, paths, problem);
        } catch (HostChannelException e) {
            return new Result(Outcome.FAILED, bundle.redact(e.getMessage()));
        } catch (StepFailedException e) {
            return new Result(Outcome.FAILED, bundle.redact(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(Outcome.FAILED, "interrupted");
        }
    }

    /**
     * Starts daemons that are not running, with the configuration already installed (a crashed or
     * stopped daemon on a host whose files are current).
     */
    public Result startStopped(
            HostChannel channel, LbHost host, HostObservation before, String serviceManager) {
        DaemonControl control = DaemonControl.forManager(serviceManager);
        try {
            if (!before.haproxyUp()) {
                require(channel, control.startHaproxy(host.layout()), "start haproxy");
            }
            if (!before.keepalivedUp()) {
                require(channel, control.startKeepalived(host.layout()), "start keepalived");
            }
            return new Result(Outcome.APPLIED, "");
        } catch (HostChannelException | StepFailedException e) {
            return new Result(Outcome.FAILED, e.getMessage());
        }
    }

    private static RemoteCommand mkdirs(HostLayout layout, List<String> paths) {
        Set<String> dirs = new LinkedHashSet<>();
        dirs.add(layout.runDir());
        paths.forEach(p -> dirs.add(p.substring(0, Math.max(1, p.lastIndexOf('/')))));
        return RemoteCommand.of("mkdir -p" + " {}".repeat(dirs.size()), dirs.toArray());
    }

    /**
     * Marks the apply pending, keeps each current file as FILE.pveha-prev, then installs the
     * scripts.
     */
    private static RemoteCommand backupAndInstall(
            HostLayout layout, List<String> paths, List<String> scripts) {
        List<Object> args = new ArrayList<>(List.of(layout.applyPendingFile(), PREV, NEW));
        args.addAll(paths);
        args.addAll(scripts);
        return RemoteCommand.of(
                "touch {}\n"
                        + "prev={}; new={}\n"
                        + "for f in"
                        + " {}".repeat(paths.size())
                        + "; do\n"
                        + "    if [ -e \"$f\" ]; then cp -p \"$f\" \"$f$prev\"; else rm -f \"$f$prev\"; fi || exit 1\n"
                        + "done\n"
                        + "for f in"
                        + " {}".repeat(scripts.size())
                        + "; do mv -f \"$f$new\" \"$f\" || exit 1; done\n",
                args.toArray());
    }

    /** The host's config tests on the staged files; null when both pass, else their complaint. */
    private static String validate(HostChannel channel, ConfigBundle bundle)
            throws HostChannelException {
        CommandResult haproxy =
                channel.run(
                        RemoteCommand.of("haproxy -c -f {}", bundle.haproxyConfig().path() + NEW));
        if (!haproxy.ok()) {
            return "haproxy -c rejected the new configuration (exit "
                    + haproxy.exitCode()
                    + "): "
                    + errorLines(haproxy);
        }
        CommandResult keepalived =
                channel.run(
                        RemoteCommand.of(
                                "keepalived -t -f {}", bundle.keepalivedConfig().path() + NEW));
        if (!keepalived.ok()) {
            return "keepalived -t rejected the new configuration (exit "
                    + keepalived.exitCode()
                    + "): "
                    + errorLines(keepalived);
        }
        return null;
    }

    /** haproxy prints NOTICE lines around its alerts; keep what explains the refusal. */
    static String errorLines(CommandResult result) {
        String text =
                (result.stdout() + "\n" + result.stderr())
                        .lines()
                        .filter(
                                l ->
                                        !l.isBlank()
                                                && !l.contains("[NOTICE]")
                                                && !l.startsWith("Configuration file is valid"))
                        .map(String::strip)
                        .collect(Collectors.joining("; "));
        return text.length() > 600 ? text.substring(0, 600) + "..." : text;
    }

    private static void activate(
            HostChannel channel, DaemonControl control, HostLayout layout, HostObservation before)
            throws HostChannelException, StepFailedException {
        reloadOrStart(
                channel,
                before.haproxyUp(),
                control.reloadHaproxy(layout),
                control.startHaproxy(layout),
                "start haproxy");
        reloadOrStart(
                channel,
                before.keepalivedUp(),
                control.reloadKeepalived(layout),
                control.startKeepalived(layout),
                "start keepalived");
    }

    /**
     * Reloads a running daemon; starts it when it is not running (or stopped between observing and
     * now).
     */
    private static void reloadOrStart(
            HostChannel channel,
            boolean running,
            RemoteCommand reload,
            RemoteCommand start,
            String step)
            throws HostChannelException, StepFailedException {
        if (!running || !channel.run(reload).ok()) {
            require(channel, start, step);
        }
    }

    /**
     * Polls until the host runs the expected files; returns null when it does, else what is still
     * wrong.
     *
     * @param oldWorkerPid the haproxy worker that answered before a reload, or null when haproxy
     *     was started
     */
    private String verify(
            HostChannel channel,
            LbHost host,
            String serviceManager,
            List<String> paths,
            String expectedHash,
            String oldWorkerPid)
            throws HostChannelException, InterruptedException {
        long deadline = System.nanoTime() + verifyTimeout.toNanos();
        while (true) {
            String problem =
                    problemWith(
                            observer.observe(channel, host, serviceManager, paths),
                            paths,
                            expectedHash,
                            oldWorkerPid);
            if (problem == null) {
                return null;
            }
            if (System.nanoTime() >= deadline) {
                return problem + " within " + verifyTimeout.toMillis() + " ms";
            }
            pause.sleep(POLL);
        }
    }

    static String problemWith(
            HostObservation now, List<String> paths, String expectedHash, String oldWorkerPid) {
        if (!now.keepalivedUp()) {
            return "keepalived is not running";
        }
        if (!now.haproxyUp()) {
            return "haproxy is not running";
        }
        if (!now.haproxyAnswering()) {
            return "haproxy does not answer on its stats socket";
        }
        if (oldWorkerPid != null && oldWorkerPid.equals(now.haproxyWorkerPid())) {
            return "haproxy did not start a new worker (the old one still serves)";
        }
        if (expectedHash != null && !expectedHash.equals(now.appliedHash(paths))) {
            return "the installed files do not match the rendered ones";
        }
        return null;
    }

    /**
     * The worker to see replaced after a reload; null when haproxy will be started rather than
     * reloaded.
     */
    private static String workerToReplace(HostObservation before) {
        return before.haproxyUp() && before.haproxyAnswering() ? before.haproxyWorkerPid() : null;
    }

    private Result rollBack(
            HostChannel channel,
            LbHost host,
            ConfigBundle bundle,
            String serviceManager,
            DaemonControl control,
            HostObservation before,
            List<String> paths,
            String problem)
            throws HostChannelException, StepFailedException, InterruptedException {
        CommandResult hasPrevious =
                channel.run(
                        RemoteCommand.of(
                                "[ -e {} ] && [ -e {} ]",
                                bundle.haproxyConfig().path() + PREV,
                                bundle.keepalivedConfig().path() + PREV));
        if (!hasPrevious.ok()) {
            return new Result(
                    Outcome.FAILED,
                    bundle.redact(
                            "after installing: "
                                    + problem
                                    + "; no previous configuration to roll back to"));
        }
        restore(channel, paths);
        HostObservation failed = observer.observe(channel, host, serviceManager, paths);
        activate(channel, control, host.layout(), failed);
        String afterRollback =
                verify(
                        channel,
                        host,
                        serviceManager,
                        paths,
                        before.appliedHash(paths),
                        workerToReplace(failed));
        if (afterRollback == null) {
            require(
                    channel,
                    RemoteCommand.of("rm -f {}", host.layout().applyPendingFile()),
                    "finish rollback");
        }
        return new Result(
                Outcome.ROLLED_BACK,
                bundle.redact(
                        "after installing: "
                                + problem
                                + "; restored the previous configuration"
                                + (afterRollback == null
                                        ? ""
                                        : ", which also did not come up: " + afterRollback)));
    }

    /** Puts FILE.pveha-prev back (or removes FILE when there was none before). */
    private static void restore(HostChannel channel, List<String> paths)
            throws HostChannelException, StepFailedException {
        List<Object> args = new ArrayList<>();
        args.add(PREV);
        args.addAll(paths);
        require(
                channel,
                RemoteCommand.of(
                        "prev={}\n"
                                + "for f in"
                                + " {}".repeat(paths.size())
                                + "; do\n"
                                + "    if [ -e \"$f$prev\" ]; then mv -f \"$f$prev\" \"$f\"; else rm -f \"$f\"; fi || exit 1\n"
                                + "done\n",
                        args.toArray()),
                "restore previous files");
    }

    private static RemoteCommand removeStaged(HostLayout layout, List<String> paths) {
        List<Object> args = new ArrayList<>();
        args.add(layout.applyPendingFile());
        paths.forEach(p -> args.add(p + NEW));
        return RemoteCommand.of("rm -f {}" + " {}".repeat(paths.size()), args.toArray());
    }

    private static void require(HostChannel channel, RemoteCommand command, String step)
            throws HostChannelException, StepFailedException {
        CommandResult result = channel.run(command);
        if (!result.ok()) {
            throw new StepFailedException(
                    step + " failed (exit " + result.exitCode() + "): " + result.message());
        }
    }

    /** A command of the apply sequence returned non-zero. */
    private static final class StepFailedException extends Exception {
        StepFailedException(String message) {
            super(message);
        }
    }
}
