package io.pveha.lb.ssh;

/** What a remote command returned. */
public record CommandResult(int exitCode, String stdout, String stderr) {
    public boolean ok() {
        return exitCode == 0;
    }

    /** stderr, else stdout, trimmed and shortened: the host's own words for an error message. */
    public String message() {
        String text = (stderr.isBlank() ? stdout : stderr).strip();
        return text.length() > 600 ? text.substring(0, 600) + "..." : text;
    }
}
