package io.pveha.simulator.ha;

/** Exit codes of resource agents ({@code PVE::HA::Tools ':exit_codes'}). */
final class ExitCode {
    static final int SUCCESS = 0;
    static final int ERROR = 1;
    static final int ETRY_AGAIN = 2;
    static final int EWRONG_NODE = 3;
    static final int EUNKNOWN_SERVICE_TYPE = 4;
    static final int EUNKNOWN_COMMAND = 5;
    static final int EINVALID_PARAMETER = 6;
    static final int EUNKNOWN_SERVICE = 7;

    /** A worker that died on an error ({@code POSIX::_exit(-1)} of a forked agent). */
    static final int DIED = 255;

    private ExitCode() {}
}
