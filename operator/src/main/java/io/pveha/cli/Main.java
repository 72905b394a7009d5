package io.pveha.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of operator/target/pve-ha-operator.jar: one sub-command per job. */
@Command(
        name = "pve-ha-operator",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A Kubernetes operator for highly available Proxmox VE platforms.",
        subcommands = {
            CommandLine.HelpCommand.class,
            ValidateCommand.class,
            DoctorCommand.class,
            RunCommand.class,
            AlertCommand.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        selectLogFormat(args);
        System.exit(run(args));
    }

    /**
     * Chooses the logback configuration before the first logger exists: LOG_FORMAT=json or {@code
     * --log-format json} selects one JSON object per line.
     */
    static void selectLogFormat(String[] args) {
        boolean json = "json".equalsIgnoreCase(System.getenv("LOG_FORMAT"));
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--log-format=json")
                    || (args[i].equals("--log-format")
                            && i + 1 < args.length
                            && args[i + 1].equals("json"))) {
                json = true;
            }
        }
        if (System.getProperty("logback.configurationFile") != null) {
            return;
        }
        if (json) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
    }

    /** Runs a command line and returns its exit code; tests call this instead of main. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** Runs a command line writing to the given streams instead of System.out and System.err. */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return commandLine().setOut(out).setErr(err).execute(args);
    }

    private static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
