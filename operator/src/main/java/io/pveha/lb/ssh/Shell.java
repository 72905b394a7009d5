package io.pveha.lb.ssh;

/** Quoting for the remote POSIX shell that runs every command the operator sends. */
public final class Shell {
    /**
     * {@code alive PIDFILE COMM}: the pid file names a live process with that command name. A pid
     * file alone is not enough: after a crash it stays behind and the pid may be reused. Shell
     * builtins only (no forks): the observer runs it every poll.
     */
    public static final String ALIVE_FUNCTION =
            """
            alive() {
                pid=; comm=
                read -r pid < "$1" 2>/dev/null || return 1
                case "$pid" in ''|*[!0-9]*) return 1 ;; esac
                read -r comm < "/proc/$pid/comm" 2>/dev/null
                [ "$comm" = "$2" ]
            }
            """;

    private Shell() {}

    /**
     * Single-quotes an argument: inside single quotes the shell interprets nothing, and an embedded
     * quote is closed, escaped and reopened. NUL cannot be passed through a shell at all.
     */
    public static String quote(String argument) {
        if (argument.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a shell argument cannot contain NUL");
        }
        return "'" + argument.replace("'", "'\\''") + "'";
    }
}
