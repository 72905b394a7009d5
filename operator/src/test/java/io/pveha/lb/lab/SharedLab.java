package io.pveha.lb.lab;

import io.pveha.lb.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One lab per test JVM, shared by every lab test class (building one takes a few seconds) and torn
 * down when the last test has run. Classes using it must leave it as they found it, or call {@link
 * #reset}. Missing root, network namespaces or packages skip the tests locally and fail them with
 * CI=true.
 */
public final class SharedLab implements BeforeAllCallback {
    public static final int BACKENDS = 3;
    private static NetnsLab lab;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Prerequisites.require(Prerequisites.isRoot(), "the lab needs root");
        Prerequisites.requireCommands(
                "ip",
                "keepalived",
                "haproxy",
                "sshd",
                "ssh-keygen",
                "socat",
                "sha256sum",
                "setsid");
        Prerequisites.require(
                Files.isExecutable(Path.of(NetnsLab.PYTHON)),
                NetnsLab.PYTHON + " is not installed");
        synchronized (SharedLab.class) {
            if (lab == null) {
                Cmd.Result probe = Cmd.run("ip", "netns", "list");
                Prerequisites.require(probe.ok(), "ip netns does not work here: " + probe.output());
                lab = NetnsLab.create(BACKENDS);
                context.getRoot()
                        .getStore(ExtensionContext.Namespace.GLOBAL)
                        .put(SharedLab.class.getName(), new Closer());
            }
        }
    }

    public static NetnsLab lab() {
        return lab;
    }

    /**
     * Stops what the operator started on the LB hosts, removes its files and restarts every
     * backend.
     */
    public static void reset() throws Exception {
        for (String lb : new String[] {"lb1", "lb2"}) {
            lab.stopDaemons(lb);
            lab.linkUp(lb);
            NetnsLab.deleteTree(lab.dir().resolve(lb).resolve("etc"));
            NetnsLab.deleteTree(lab.dir().resolve(lb).resolve("run"));
        }
        for (int i = 1; i <= BACKENDS; i++) {
            lab.killBackend(i);
            lab.startBackend(i);
        }
    }

    /** Closes the lab when JUnit closes its root store, after the last test. */
    private static final class Closer implements AutoCloseable {
        @Override
        public void close() {
            closeLab();
        }
    }

    private static synchronized void closeLab() {
        if (lab != null) {
            lab.close();
            lab = null;
        }
    }
}
