package io.pveha.demo.cli;

import io.pveha.testing.kube.EmbeddedKube;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kube-server}: the embedded Kubernetes API server (fabric8's mock with discovery) as a
 * process of its own, for the chaos harness. Its objects live in memory: they are gone when the
 * process ends.
 */
@Command(
        name = "kube-server",
        mixinStandardHelpOptions = true,
        versionProvider = DemoMain.Version.class,
        description =
                "Run the embedded Kubernetes API server (fabric8 mock, CRUD and watches, kubectl discovery) until stopped.")
final class KubeServerCommand implements Callable<Integer> {
    @Option(
            names = "--port",
            defaultValue = "0",
            description = "Loopback port (default: any free port).")
    int port;

    @Option(
            names = "--kubeconfig-out",
            description = "Write a kubeconfig for this server here (written last: wait for it).")
    Path kubeconfigOut;

    @Option(
            names = "--namespace",
            defaultValue = "default",
            description = "Namespace of the kubeconfig's context (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Override
    public Integer call() throws Exception {
        EmbeddedKube kube = new EmbeddedKube(port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    kube.close();
                                    stopped.countDown();
                                },
                                "kube-server-shutdown"));
        System.out.println("kube-server: " + kube.url() + " pid " + ProcessHandle.current().pid());
        System.out.flush();
        if (kubeconfigOut != null) {
            Path tmp = kubeconfigOut.resolveSibling(kubeconfigOut.getFileName() + ".tmp");
            Files.writeString(tmp, kube.kubeconfig(namespace));
            Files.move(
                    tmp,
                    kubeconfigOut,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
        stopped.await();
        return 0;
    }
}
