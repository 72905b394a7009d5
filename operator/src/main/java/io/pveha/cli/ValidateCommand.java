package io.pveha.cli;

import io.pveha.validate.BundleValidator;
import io.pveha.validate.ManifestDocument;
import io.pveha.validate.ManifestReader;
import io.pveha.validate.Problem;
import io.pveha.validate.ProblemFormatter;
import io.pveha.validate.SpecValidator;
import io.pveha.validate.ValidationReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code validate -f FILE|DIR|- ...}: checks manifests like kube-apiserver with our CRDs would,
 * plus the cross-document checks, without a cluster. Exit 0: no errors (warnings allowed); 1:
 * errors; 2: usage or input errors (unreadable file, YAML syntax, nothing to validate).
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Validate pveha.io manifests against the CRD schemas and CEL rules, and check the references"
                    + " between them, without a cluster. Run it in CI before Argo CD syncs.",
            "Exit codes: 0 valid (warnings allowed), 1 problems found, 2 usage or input error."
        })
final class ValidateCommand implements Callable<Integer> {
    static final int OK = 0;
    static final int INVALID = 1;
    static final int INPUT_ERROR = 2;

    enum Format {
        text,
        json
    }

    @Option(
            names = {"-f", "--filename"},
            required = true,
            paramLabel = "FILE",
            description =
                    "A YAML file, a directory (searched recursively for *.yaml and *.yml), or - for"
                            + " standard input. Repeat for more.")
    List<String> filenames = new ArrayList<>();

    @Option(
            names = {"-o", "--output"},
            defaultValue = "text",
            paramLabel = "FORMAT",
            description = "text (one line per problem) or json. Default: ${DEFAULT-VALUE}.")
    Format output;

    @Option(
            names = "--require-secrets",
            description =
                    "Referenced Secrets must be in the input (otherwise a missing Secret is a warning).")
    boolean requireSecrets;

    @Option(
            names = {"-n", "--namespace"},
            defaultValue = "default",
            paramLabel = "NAMESPACE",
            description =
                    "Namespace of documents that name none, as kubectl's current namespace. Default: ${DEFAULT-VALUE}.")
    String namespace;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Preparing the validator (CRDs, CEL programs) and reading the input take similar time;
        // overlap them.
        CompletableFuture<SpecValidator> validator =
                CompletableFuture.supplyAsync(SpecValidator::forBundledCrds);
        List<ManifestDocument> documents = new ArrayList<>();
        List<String> inputErrors = new ArrayList<>();
        int files = 0;
        boolean stdinRead = false;
        for (String name : filenames) {
            try {
                if (name.equals("-")) {
                    if (!stdinRead) {
                        documents.addAll(ManifestReader.read(System.in));
                        stdinRead = true;
                        files++;
                    }
                    continue;
                }
                for (Path file : ManifestReader.expand(Path.of(name))) {
                    files++;
                    documents.addAll(ManifestReader.read(file));
                }
            } catch (ManifestReader.InputException e) {
                inputErrors.add(e.describe());
            }
        }
        if (documents.isEmpty() && inputErrors.isEmpty()) {
            inputErrors.add(String.join(", ", filenames) + ": no YAML documents found");
        }
        inputErrors.forEach(e -> err.println("validate: " + e));

        ValidationReport report =
                new BundleValidator(
                                validator.join(),
                                new BundleValidator.Options(requireSecrets, namespace))
                        .validate(documents);
        if (output == Format.json) {
            out.println(ProblemFormatter.json(report));
        } else {
            for (Problem problem : report.problems()) {
                out.println(ProblemFormatter.text(problem));
            }
            err.println(ProblemFormatter.summary(report, files));
        }
        out.flush();
        err.flush();
        if (!inputErrors.isEmpty()) {
            return INPUT_ERROR;
        }
        return report.hasErrors() ? INVALID : OK;
    }
}
