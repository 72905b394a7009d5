package io.pveha.api.monitoring;

/** Patterns of the monitoring and alerting fields (see {@link io.pveha.api.Patterns}). */
public final class MonitoringPatterns {
    /** A CEL expression on one line: no control characters (checked further by validate). */
    public static final String CEL_EXPRESSION = "^[^\\x00-\\x1F\\x7F]{1,512}$";

    /** An e-mail address (loose: local part, @, a host name). */
    public static final String EMAIL =
            "^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$";

    /** A label name as Prometheus accepts it. */
    public static final String LABEL_NAME = "^[a-zA-Z_][a-zA-Z0-9_]{0,62}$";

    /** A label value to match: plain characters, no control characters. */
    public static final String LABEL_VALUE = "^[^\\x00-\\x1F\\x7F]{0,128}$";

    /** An alert name: a built-in item or a check alert (CamelCase or a DNS label). */
    public static final String ALERT_NAME = "^[A-Za-z][A-Za-z0-9_-]{0,62}$";

    /** An IANA time zone, e.g. Asia/Shanghai or UTC (existence is checked by validate). */
    public static final String TIME_ZONE = "^[A-Za-z][A-Za-z0-9_+/-]{0,63}$";

    /** A phone number to @-mention in DingTalk or WeCom. */
    public static final String MOBILE = "^\\+?[0-9]{5,20}$";

    private MonitoringPatterns() {}
}
