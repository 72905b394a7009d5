package io.pveha.build;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.vm.HaVm;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Build step (process-test-classes): generates the CRDs from the model into
 * target/classes/META-INF/fabric8. It runs fabric8's generator itself rather than its Maven plugin for
 * one reason: the generator sorts printer columns by JSON path, which would make {@code kubectl get}
 * show AGE first and VMID last. Here the columns keep the order of the @AdditionalPrinterColumn
 * annotations on each kind.
 */
public final class CrdGeneration {
    static final List<Class<? extends HasMetadata>> KINDS =
            List.of(ProxmoxCluster.class, HaVm.class, CephPool.class, LoadBalancerPair.class, BackupPolicy.class);

    private CrdGeneration() {
    }

    /** args: the build output directory, and optionally the repository's crds/ directory to update too. */
    public static void main(String[] args) {
        generate(new File(args.length > 0 ? args[0] : "target/classes/META-INF/fabric8"));
        if (args.length > 1 && args[1] != null && !args[1].isBlank()) {
            generate(new File(args[1]));
        }
    }

    static void generate(File out) {
        if (!out.isDirectory() && !out.mkdirs()) {
            throw new IllegalStateException("cannot create " + out);
        }
        int generated = new CRDGenerator()
                .inOutputDir(out)
                .forCRDVersions("v1")
                .customResourceClasses(KINDS)
                .withPostProcessor(new CRDPostProcessor() {
                    @Override
                    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
                        orderPrinterColumns((CustomResourceDefinition) crd);
                        return crd;
                    }
                })
                .generate();
        if (generated != KINDS.size()) {
            throw new IllegalStateException("generated " + generated + " CRDs, expected " + KINDS.size());
        }
        System.out.println("generated " + generated + " CRDs into " + out);
    }

    static void orderPrinterColumns(CustomResourceDefinition crd) {
        String kind = crd.getSpec().getNames().getKind();
        Class<?> type = KINDS.stream().filter(k -> k.getSimpleName().equals(kind)).findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown kind " + kind));
        List<String> order = Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name).toList();
        crd.getSpec().getVersions().forEach(v -> {
            List<CustomResourceColumnDefinition> columns = new ArrayList<>(v.getAdditionalPrinterColumns());
            columns.sort(Comparator.comparingInt(c -> order.indexOf(c.getName())));
            v.setAdditionalPrinterColumns(columns);
        });
    }
}
