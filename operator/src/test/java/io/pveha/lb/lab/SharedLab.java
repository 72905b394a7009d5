package io.pveha.lb.lab;

import io.pveha.lb.HostLayout;
import io.pveha.lb.Prerequisites;
import io.pveha.testing.netns.NetnsLab;
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
        for (String missing : NetnsLab.missing()) {
            Prerequisites.require(false, missing);
        }
        synchronized (SharedLab.class) {
            if (lab == null) {
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

    /** The operator's layout of a lab host's files. */
    public static HostLayout layout(String lb) {
        NetnsLab.HostPaths p = lab.layout(lb);
        return new HostLayout(p.haproxyConfig(), p.keepalivedConfig(), p.runDir());
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
