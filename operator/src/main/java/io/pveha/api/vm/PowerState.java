package io.pveha.api.vm;

/** The power state the user wants. */
public enum PowerState {
    Running,
    Stopped
}
