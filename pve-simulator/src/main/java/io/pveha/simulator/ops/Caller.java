package io.pveha.simulator.ops;

/**
 * Who asks and where the request is executed.
 *
 * @param node the node whose API daemon runs the request (after proxying)
 * @param user the authenticated id: {@code user@realm} or, for API tokens, {@code user@realm!token}
 */
public record Caller(String node, String user) {

    /** The simulator acting on its own (seeding, node boot): PVE runs such work as root@pam. */
    public static Caller system(String node) {
        return new Caller(node, "root@pam");
    }

    /** PVE grants some options only to the {@code root@pam} user itself (not to its tokens). */
    public boolean isRootUser() {
        return user.equals("root@pam");
    }
}
