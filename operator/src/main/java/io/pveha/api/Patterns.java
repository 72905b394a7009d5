package io.pveha.api;

/**
 * Regular expressions shared by the schema annotations. Every free-text value that later reaches a
 * PVE parameter, a keepalived/haproxy configuration or a shell is constrained here first; renderers
 * validate again, but the schema is the first line against configuration injection.
 */
public final class Patterns {
    /** RFC 1123 DNS label, as Kubernetes object names. */
    public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";

    /** RFC 1123 DNS subdomain (Kubernetes object names, Secret names). */
    public static final String DNS_SUBDOMAIN =
            "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /** A PVE node name (pve-common format 'pve-node'). */
    public static final String PVE_NODE = "^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$";

    /**
     * A PVE storage id as pve-common parse_id accepts it: letter first, letter or digit last, at
     * least two characters; PVE matches it case-insensitively, so upper case is valid too.
     */
    public static final String PVE_STORAGE_ID = "^[a-zA-Z][a-zA-Z0-9_.-]*[a-zA-Z0-9]$";

    /** A VM name as PVE accepts it (format 'dns-name'). */
    public static final String PVE_VM_NAME =
            "^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\\.)*[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$";

    /** A PVE tag (pve-common 'pve-tag', matched case-insensitively by PVE). */
    public static final String PVE_TAG = "^[a-zA-Z0-9_][a-zA-Z0-9_+.-]*$";

    /**
     * A PVE HA group id (pve-common 'pve-configid': letter first, at least two characters, no
     * dots).
     */
    public static final String PVE_HA_GROUP = "^[a-zA-Z][a-zA-Z0-9_-]+$";

    /** An ISO image on a PVE storage, e.g. {@code local:iso/debian-12.9.0-amd64-netinst.iso}. */
    public static final String PVE_ISO_VOLUME =
            "^[a-zA-Z][a-zA-Z0-9_.-]*[a-zA-Z0-9]:iso/[A-Za-z0-9][A-Za-z0-9._+-]*\\.iso$";

    /** A vzdump archive of a QEMU VM on a directory-like storage (volid). */
    public static final String PVE_BACKUP_VOLUME =
            "^[a-zA-Z][a-zA-Z0-9_.-]*[a-zA-Z0-9]:backup/vzdump-qemu-[0-9]+-"
                    + "[0-9]{4}_[0-9]{2}_[0-9]{2}-[0-9]{2}_[0-9]{2}_[0-9]{2}\\.vma(\\.(zst|gz|lzo))?$";

    /**
     * Characters a PVE calendar event may contain (the systemd calendar-event subset PVE
     * implements; weekday names are case-insensitive). The grammar itself is checked by
     * io.pveha.validate; this keeps newlines and any other syntax out of the schema.
     */
    public static final String PVE_CALENDAR_EVENT = "^[a-zA-Z0-9*/:., -]{1,128}$";

    /**
     * A vzdump notes template: letters (any script), digits, spaces, PVE's {{variables}} and plain
     * punctuation. No quotes, '#', '$', backticks, backslashes, ';', '|', '&', '<', '>' or line
     * breaks: the text ends up in PVE's job configuration and in backup notes, never anything a
     * shell or config parser could misread.
     */
    public static final String PVE_NOTES_TEMPLATE = "^[\\p{L}\\p{N} _.,:/+=()\\[\\]{}@-]*$";

    /** A key of a Secret or ConfigMap (Kubernetes IsConfigMapKey). */
    public static final String SECRET_KEY = "^[-._a-zA-Z0-9]+$";

    /** Dotted-quad IPv4 address. */
    public static final String IPV4 =
            "^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$";

    /** IPv6 address (loose: hex groups and colons, optional embedded IPv4 not accepted). */
    public static final String IPV6 = "^[0-9a-fA-F:]{2,39}$";

    /** A host name or an IPv4 address. */
    public static final String HOST =
            "^("
                    + "[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*"
                    + ")$";

    /** A Linux network interface or bridge name (IFNAMSIZ 16 incl. NUL). */
    public static final String IFNAME = "^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$";

    /** A POSIX user name. */
    public static final String UNIX_USER = "^[a-z_][a-z0-9_-]{0,31}$";

    /** An absolute path of plain characters (NFS exports, haproxy check paths). */
    public static final String ABSOLUTE_PATH = "^/[A-Za-z0-9._/-]*$";

    /** An HTTP path with an optional simple query, nothing a haproxy config could misread. */
    public static final String HTTP_PATH = "^/[A-Za-z0-9._~/-]*(\\?[A-Za-z0-9._~=&-]*)?$";

    /** An https endpoint of the PVE API: scheme, host (name, IPv4 or [IPv6]) and optional port. */
    public static final String PVE_ENDPOINT =
            "^https://([a-zA-Z0-9]([a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?|\\[[0-9a-fA-F:]{2,39}\\])(:[0-9]{1,5})?/?$";

    /** SHA-256 fingerprint in colon hex, as PVE prints it (ssl_fingerprint). */
    public static final String SHA256_FINGERPRINT = "^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$";

    /** An OpenSSH public host key line: algorithm and base64 blob, optional comment excluded. */
    public static final String SSH_HOST_KEY =
            "^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521) [A-Za-z0-9+/]+={0,3}$";

    /** A MAC address. */
    public static final String MAC = "^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$";

    private Patterns() {}
}
