package io.pveha.cli;

import picocli.CommandLine;

/** Reports the version Maven wrote into the jar manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {
            "pve-ha-operator " + (version == null ? "(development build)" : version)
        };
    }
}
