package io.pveha.reconciler;

/**
 * A reason, as a condition or an Event shows it: its CamelCase name and what it tells someone
 * watching. Each kind keeps its vocabulary in one enum beside its reconciler ({@code HaVmReason},
 * ...); the reasons every kind shares are {@link CommonReason}. The health class is what Argo CD's
 * health checks and the status page derive from a Ready condition with this reason.
 */
public interface Reason {
    /** The text in status and Events, e.g. {@code WaitingForTask}. */
    String name();

    Health health();

    /** How a resource whose Ready condition has this reason is doing. */
    enum Health {
        /** Ready: nothing to do. */
        HEALTHY,
        /**
         * The operator is working on it, or waits for something that resolves itself (a task, the
         * HA manager, a poll).
         */
        PROGRESSING,
        /**
         * Needs a person: the operator cannot get further on its own (a refusal, a failed task, a
         * missing Secret).
         */
        DEGRADED,
        /** A person stopped the operator from acting (the pause annotation). */
        SUSPENDED,
        /** Only ever an Event reason, never a condition's. */
        EVENT
    }
}
