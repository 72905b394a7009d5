package io.pveha.demo.chaos;

import java.util.stream.Collectors;

/** The resources of a chaos run, as a user would write them. */
final class Manifests {
    private Manifests() {}

    static String cluster(Sims.Cluster c, ChaosRun.Settings s) {
        return "apiVersion: pveha.io/v1alpha1\n"
                + "kind: ProxmoxCluster\n"
                + "metadata:\n"
                + "  name: "
                + c.name()
                + "\n"
                + "  namespace: "
                + ChaosRun.NS
                + "\n"
                + "spec:\n"
                + "  endpoints:\n"
                + c.endpoints().stream().map(e -> "    - " + e + "\n").collect(Collectors.joining())
                + "  credentialsSecretRef:\n"
                + "    name: "
                + c.name()
                + "-token\n"
                + "  tls:\n"
                + "    caSecretRef:\n"
                + "      name: "
                + c.name()
                + "-ca\n"
                + "  pollIntervalSeconds: "
                + s.pollSeconds()
                + "\n"
                + "  client:\n"
                + "    requestsPerSecond: "
                + s.requestsPerSecond()
                + "\n"
                + "    maxConcurrentTasksPerNode: "
                + s.tasksPerNode()
                + "\n"
                + "    requestTimeoutSeconds: "
                + s.requestTimeoutSeconds()
                + "\n";
    }

    static String cephPool(Sims.Cluster c) {
        return "apiVersion: pveha.io/v1alpha1\n"
                + "kind: CephPool\n"
                + "metadata:\n"
                + "  name: "
                + c.name()
                + "-pool\n"
                + "  namespace: "
                + ChaosRun.NS
                + "\n"
                + "spec:\n"
                + "  clusterRef:\n"
                + "    name: "
                + c.name()
                + "\n"
                + "  size: 3\n"
                + "  minSize: 2\n"
                + "  application: rbd\n";
    }

    /** Backups of every HaVm of the cluster, on a date no run reaches (06-15): selection only. */
    static String backupPolicy(Sims.Cluster c) {
        return "apiVersion: pveha.io/v1alpha1\n"
                + "kind: BackupPolicy\n"
                + "metadata:\n"
                + "  name: "
                + c.name()
                + "-backup\n"
                + "  namespace: "
                + ChaosRun.NS
                + "\n"
                + "spec:\n"
                + "  clusterRef:\n"
                + "    name: "
                + c.name()
                + "\n"
                + "  schedule: \"06-15 03:00\"\n"
                + "  selection:\n"
                + "    haVmSelector:\n"
                + "      matchLabels:\n"
                + "        "
                + ChaosRun.CLUSTER_LABEL
                + ": "
                + c.name()
                + "\n"
                + "  storage:\n"
                + "    name: "
                + c.name()
                + "-nfs\n"
                + "    nfs:\n"
                + "      server: 10.0.0.1\n"
                + "      export: /srv/backup/"
                + c.name()
                + "\n"
                + "  mode: snapshot\n"
                + "  compression: zstd\n"
                + "  retention:\n"
                + "    keepLast: 3\n";
    }

    /** An HA-managed linked clone of the template; deleting the HaVm deletes its VM. */
    static String haVm(String name, Sims.Cluster c, String node) {
        return "apiVersion: pveha.io/v1alpha1\n"
                + "kind: HaVm\n"
                + "metadata:\n"
                + "  name: "
                + name
                + "\n"
                + "  namespace: "
                + ChaosRun.NS
                + "\n"
                + "  labels:\n"
                + "    "
                + ChaosRun.CLUSTER_LABEL
                + ": "
                + c.name()
                + "\n"
                + "spec:\n"
                + "  clusterRef:\n"
                + "    name: "
                + c.name()
                + "\n"
                + "  source:\n"
                + "    template:\n"
                + "      vmid: "
                + SimHost.TEMPLATE
                + "\n"
                + "  memoryMiB: 512\n"
                + "  ha:\n"
                + "    enabled: true\n"
                + (node == null ? "" : "  placement:\n    node: " + node + "\n")
                + "  restartPolicy: Automatic\n"
                + "  deletionPolicy: Delete\n";
    }
}
