package io.pveha.demo.cli;

import io.pveha.demo.chaos.SimHost;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sim-host}: one or more simulated PVE clusters in this process, for the chaos harness (see
 * {@link SimHost}).
 */
@Command(
        name = "sim-host",
        mixinStandardHelpOptions = true,
        versionProvider = DemoMain.Version.class,
        description =
                "Run simulated PVE clusters c<first>..c<first+n-1> (each with a template 9000) and an inventory port for the chaos judge, until stopped.")
final class SimHostCommand implements Callable<Integer> {
    @Option(names = "--clusters", defaultValue = "1", description = "Clusters in this process.")
    int clusters;

    @Option(names = "--first", defaultValue = "0", description = "Index of the first cluster.")
    int first;

    @Option(names = "--nodes", defaultValue = "3", description = "Nodes per cluster.")
    int nodes;

    @Option(
            names = "--time-scale",
            defaultValue = "10",
            description = "Simulated seconds per second.")
    double timeScale;

    @Option(names = "--task-scale", defaultValue = "1.0", description = "Factor on task durations.")
    double taskScale;

    @Option(
            names = "--node-memory-gib",
            defaultValue = "4096",
            description = "RAM of each node, GiB.")
    long nodeMemoryGib;

    @Option(names = "--pve-version", defaultValue = "9", description = "PVE release, 8 or 9.")
    int pveVersion;

    @Option(
            names = "--foreign-vms",
            defaultValue = "6",
            description = "VMs per cluster the operator does not own (VMIDs 90000...).")
    int foreignVms;

    @Option(names = "--inventory-port", defaultValue = "0", description = "Inventory port.")
    int inventoryPort;

    @Option(
            names = "--info-file",
            required = true,
            description = "Where to write pid, inventory URL and clusters (JSON), once started.")
    Path infoFile;

    @Override
    public Integer call() throws Exception {
        SimHost host =
                new SimHost(
                        new SimHost.Settings(
                                clusters,
                                first,
                                nodes,
                                timeScale,
                                taskScale,
                                nodeMemoryGib << 30,
                                pveVersion,
                                foreignVms,
                                inventoryPort));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    host.close();
                                    stopped.countDown();
                                },
                                "sim-host-shutdown"));
        host.writeInfo(infoFile);
        System.out.println(
                "sim-host: "
                        + clusters
                        + " cluster(s), inventory http://127.0.0.1:"
                        + host.port()
                        + ", pid "
                        + ProcessHandle.current().pid());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
