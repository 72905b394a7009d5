package io.pveha.build;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Build step of the operator (process-classes, exec-maven-plugin in operator/pom.xml): generates
 * the CRDs from the model classes into target/classes/META-INF/fabric8. It runs fabric8's generator
 * itself rather than fabric8's crd-generator-maven-plugin for one reason: that generator sorts
 * printer columns by JSON path, which would make {@code kubectl get} show AGE first and VMID last.
 * Here the columns keep the order of the {@code @AdditionalPrinterColumn} annotations on each kind.
 *
 * <p>This module knows no model: the kinds come as class names on the command line and are loaded
 * from the class path the build gives (the operator's classes), so the generator never becomes part
 * of the operator.
 */
public final class CrdGeneration {
    private CrdGeneration() {}

    /**
     * args: the output directory; a second directory to write the same CRDs to (the repository's
     * crds/ with -Pupdate-crds) or an empty string; then the fully qualified custom resource
     * classes, in any order.
     */
    public static void main(String[] args) throws ClassNotFoundException {
        if (args.length < 3) {
            throw new IllegalArgumentException(
                    "usage: CrdGeneration OUTPUT_DIR UPDATE_DIR[,UPDATE_DIR...]|'' CLASS...");
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        List<Class<? extends HasMetadata>> kinds = new ArrayList<>();
        for (String name : Arrays.asList(args).subList(2, args.length)) {
            kinds.add(Class.forName(name.strip(), true, loader).asSubclass(HasMetadata.class));
        }
        generate(new File(args[0]), kinds);
        // The committed copies: crds/ and the Helm chart's crds/ (byte-identical, so helm never
        // owns them).
        for (String dir : args[1] == null ? new String[0] : args[1].split(",")) {
            if (!dir.isBlank()) {
                generate(new File(dir.strip()), kinds);
            }
        }
    }

    static void generate(File out, List<Class<? extends HasMetadata>> kinds) {
        if (!out.isDirectory() && !out.mkdirs()) {
            throw new IllegalStateException("cannot create " + out);
        }
        int generated =
                new CRDGenerator()
                        .inOutputDir(out)
                        .forCRDVersions("v1")
                        .customResourceClasses(kinds)
                        .withPostProcessor(
                                new CRDPostProcessor() {
                                    @Override
                                    public HasMetadata process(
                                            HasMetadata crd, String crdSpecVersion) {
                                        orderPrinterColumns((CustomResourceDefinition) crd, kinds);
                                        requireSpec((CustomResourceDefinition) crd);
                                        return crd;
                                    }
                                })
                        .generate();
        if (generated != kinds.size()) {
            throw new IllegalStateException(
                    "generated " + generated + " CRDs, expected " + kinds.size());
        }
        System.out.println("generated " + generated + " CRDs into " + out);
    }

    /**
     * Every kind needs a spec, and the generator cannot say so at the schema's root: without this a
     * real kube-apiserver accepts a resource with no spec at all.
     */
    static void requireSpec(CustomResourceDefinition crd) {
        crd.getSpec()
                .getVersions()
                .forEach(v -> v.getSchema().getOpenAPIV3Schema().setRequired(List.of("spec")));
    }

    static void orderPrinterColumns(
            CustomResourceDefinition crd, List<Class<? extends HasMetadata>> kinds) {
        String kind = crd.getSpec().getNames().getKind();
        Class<?> type =
                kinds.stream()
                        .filter(k -> k.getSimpleName().equals(kind))
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("unknown kind " + kind));
        List<String> order =
                Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
                        .map(AdditionalPrinterColumn::name)
                        .toList();
        crd.getSpec()
                .getVersions()
                .forEach(
                        v -> {
                            List<CustomResourceColumnDefinition> columns =
                                    new ArrayList<>(v.getAdditionalPrinterColumns());
                            columns.sort(Comparator.comparingInt(c -> order.indexOf(c.getName())));
                            v.setAdditionalPrinterColumns(columns);
                        });
    }
}
