package io.pveha.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Kubernetes' name and label rules with their exact messages (k8s.io/apimachinery
 * pkg/util/validation and pkg/api/validate/content). Each method returns the messages for one
 * value, empty when it is valid.
 */
final class KubeNames {
    private static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String DNS1123_SUBDOMAIN_FMT =
            DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
    private static final String LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final String LABEL_VALUE_FMT = "(" + LABEL_KEY_FMT + ")?";
    private static final String CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+";

    private static final Pattern DNS1123_LABEL = Pattern.compile(DNS1123_LABEL_FMT);
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(DNS1123_SUBDOMAIN_FMT);
    private static final Pattern LABEL_KEY = Pattern.compile(LABEL_KEY_FMT);
    private static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_FMT);
    private static final Pattern CONFIG_KEY = Pattern.compile(CONFIG_KEY_FMT);

    private KubeNames() {}

    /** IsDNS1123Label: namespace names. */
    static List<String> dns1123Label(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > 63) {
            errs.add("must be no more than 63 characters");
        }
        if (!DNS1123_LABEL.matcher(value).matches()) {
            if (DNS1123_SUBDOMAIN.matcher(value).matches()) {
                errs.add("must not contain dots");
            } else {
                errs.add(
                        regexError(
                                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters"
                                        + " or '-', and must start and end with an alphanumeric character",
                                DNS1123_LABEL_FMT,
                                "my-name",
                                "123-abc"));
            }
        }
        return errs;
    }

    /** IsDNS1123Subdomain: names of custom resources, Secrets and ConfigMaps. */
    static List<String> dns1123Subdomain(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > 253) {
            errs.add("must be no more than 253 characters");
        }
        if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
            errs.add(
                    regexError(
                            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters,"
                                    + " '-' or '.', and must start and end with an alphanumeric character",
                            DNS1123_SUBDOMAIN_FMT,
                            "example.com"));
        }
        return errs;
    }

    /**
     * IsQualifiedName / IsLabelKey: label keys, annotation keys (lower-cased first), selector keys.
     */
    static List<String> qualifiedName(String value) {
        List<String> errs = new ArrayList<>();
        String[] parts = value.split("/", -1);
        String name;
        switch (parts.length) {
            case 1 -> name = parts[0];
            case 2 -> {
                String prefix = parts[0];
                name = parts[1];
                if (prefix.isEmpty()) {
                    errs.add("prefix part must be non-empty");
                } else {
                    dns1123Subdomain(prefix).forEach(m -> errs.add("prefix part " + m));
                }
            }
            default -> {
                errs.add(
                        "a valid label key "
                                + regexError(
                                        "must consist of alphanumeric characters, '-', '_' or"
                                                + " '.', and must start and end with an alphanumeric character",
                                        LABEL_KEY_FMT,
                                        "MyName",
                                        "my.name",
                                        "123-abc")
                                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
                return errs;
            }
        }
        if (name.isEmpty()) {
            errs.add("name part must be non-empty");
        } else if (name.length() > 63) {
            errs.add("name part must be no more than 63 bytes");
        }
        if (!LABEL_KEY.matcher(name).matches()) {
            errs.add(
                    "name part "
                            + regexError(
                                    "must consist of alphanumeric characters, '-', '_' or '.', and must"
                                            + " start and end with an alphanumeric character",
                                    LABEL_KEY_FMT,
                                    "MyName",
                                    "my.name",
                                    "123-abc"));
        }
        return errs;
    }

    /** IsValidLabelValue. */
    static List<String> labelValue(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > 63) {
            errs.add("must be no more than 63 bytes");
        }
        if (!LABEL_VALUE.matcher(value).matches()) {
            errs.add(
                    regexError(
                            "a valid label must be an empty string or consist of alphanumeric characters, '-',"
                                    + " '_' or '.', and must start and end with an alphanumeric character",
                            LABEL_VALUE_FMT,
                            "MyValue",
                            "my_value",
                            "12345"));
        }
        return errs;
    }

    /** IsConfigMapKey: keys of Secret and ConfigMap data. */
    static List<String> configMapKey(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > 253) {
            errs.add("must be no more than 253 characters");
        }
        if (!CONFIG_KEY.matcher(value).matches()) {
            errs.add(
                    regexError(
                            "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                            CONFIG_KEY_FMT,
                            "key.name",
                            "KEY_NAME",
                            "key-name"));
        }
        if (value.equals(".")) {
            errs.add("must not be '.'");
        } else if (value.equals("..")) {
            errs.add("must not be '..'");
        } else if (value.startsWith("..")) {
            errs.add("must not start with '..'");
        }
        return errs;
    }

    /** Annotation keys follow the label-key rules case-insensitively. */
    static List<String> annotationKey(String value) {
        return qualifiedName(value.toLowerCase(Locale.ROOT));
    }

    /**
     * RegexError: "MSG (e.g. 'a', or 'b', regex used for validation is 'RE')" with Kubernetes'
     * double space.
     */
    private static String regexError(String msg, String fmt, String... examples) {
        StringBuilder s = new StringBuilder(msg).append(" (e.g. ");
        for (int i = 0; i < examples.length; i++) {
            if (i > 0) {
                s.append(" or ");
            }
            s.append('\'').append(examples[i]).append("', ");
        }
        return s.append("regex used for validation is '").append(fmt).append("')").toString();
    }
}
