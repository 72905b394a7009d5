package io.pveha.lb.ssh;

/** Quoting for the remote POSIX shell that runs every command the operator sends. */
public final class Shell {
    private Shell() {
    }

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
