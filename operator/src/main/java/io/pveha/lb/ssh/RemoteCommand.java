package io.pveha.lb.ssh;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * A command for a host's shell, built from a fixed template whose {@code {}} placeholders are
 * replaced by single-quoted arguments. Templates are constants in the operator's code; nothing from
 * a spec ever becomes template text, only quoted (and beforehand validated) arguments.
 *
 * @param stdin bytes fed to the command's standard input (may hold a secret: never printed)
 * @param timeout how long the command may run; null for the channel's default
 */
public record RemoteCommand(String script, byte[] stdin, Duration timeout) {
    public RemoteCommand {
        Objects.requireNonNull(script, "script");
        stdin = stdin == null ? new byte[0] : stdin;
    }

    public static RemoteCommand of(String template, Object... args) {
        StringBuilder script = new StringBuilder();
        int from = 0;
        int used = 0;
        for (int at = template.indexOf("{}"); at >= 0; at = template.indexOf("{}", from)) {
            if (used == args.length) {
                throw new IllegalArgumentException(
                        "more placeholders than arguments in: " + template);
            }
            script.append(template, from, at).append(Shell.quote(String.valueOf(args[used++])));
            from = at + 2;
        }
        if (used != args.length) {
            throw new IllegalArgumentException("more arguments than placeholders in: " + template);
        }
        return new RemoteCommand(script.append(template.substring(from)).toString(), null, null);
    }

    public RemoteCommand withStdin(byte[] input) {
        return new RemoteCommand(script, input, timeout);
    }

    public RemoteCommand withTimeout(Duration limit) {
        return new RemoteCommand(script, stdin, limit);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RemoteCommand other
                && script.equals(other.script)
                && Arrays.equals(stdin, other.stdin)
                && Objects.equals(timeout, other.timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(script, Arrays.hashCode(stdin), timeout);
    }

    @Override
    public String toString() {
        return script + (stdin.length > 0 ? " <" + stdin.length + " bytes on stdin>" : "");
    }
}
