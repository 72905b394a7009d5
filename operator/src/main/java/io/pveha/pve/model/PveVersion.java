package io.pveha.pve.model;

/** {@code GET /version}: {@code version} is 8.4.1 style from PVE 8 on, 7.4-16 style before. */
public record PveVersion(String version, String release, String repoid) {}
