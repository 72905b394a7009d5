package io.pveha.demo.cli;

import java.util.Arrays;
import picocli.CommandLine;

/**
 * Entry point of demo/target/pve-ha-demo.jar: runs the demo ({@link DemoCommand}); {@code
 * benchmark} runs the HaVm benchmark instead. The operator itself is
 * operator/target/pve-ha-operator.jar.
 */
public final class DemoMain {
    private DemoMain() {}

    public static void main(String[] args) {
        // "demo" was the operator jar's sub-command; accepted here too, so the old habit still
        // works.
        String[] effective =
                args.length > 0 && args[0].equals("demo")
                        ? Arrays.copyOfRange(args, 1, args.length)
                        : args;
        selectLogFormat(effective);
        System.exit(run(effective));
    }

    /**
     * Chooses the logback configuration before the first logger exists: the demo logs to a file so
     * that its live table stays readable, LOG_FORMAT=json gives one JSON object per line, the
     * benchmark logs to the console.
     */
    static void selectLogFormat(String[] args) {
        if (System.getProperty("logback.configurationFile") != null) {
            return;
        }
        if ("json".equalsIgnoreCase(System.getenv("LOG_FORMAT"))) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        } else if (args.length == 0 || !CONSOLE_COMMANDS.contains(args[0])) {
            System.setProperty("logback.configurationFile", "logback-demo.xml");
        }
    }

    /** Commands that log to the console (the demo logs to a file). */
    private static final java.util.Set<String> CONSOLE_COMMANDS =
            java.util.Set.of("benchmark", "chaos", "kube-server", "sim-host");

    /** Runs a command line and returns its exit code. */
    public static int run(String... args) {
        return new CommandLine(new DemoCommand()).execute(args);
    }

    /** Reports the version Maven wrote into the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = DemoMain.class.getPackage().getImplementationVersion();
            return new String[] {
                "pve-ha-demo " + (version == null ? "(development build)" : version)
            };
        }
    }
}
