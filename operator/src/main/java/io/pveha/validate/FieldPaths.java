package io.pveha.validate;

/** Field paths as Kubernetes prints them: {@code spec.disks[0].slot}, {@code data[tls.crt]}. */
final class FieldPaths {
    private FieldPaths() {}

    static String child(String parent, String name) {
        return parent == null || parent.isEmpty() ? name : parent + "." + name;
    }

    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** A map key, the way field.Path.Key renders it (used for Secret and ConfigMap data). */
    static String key(String parent, String key) {
        return parent + "[" + key + "]";
    }
}
