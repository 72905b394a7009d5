package io.pveha.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The options of {@code run} as the Helm chart passes them. */
class RunCommandTest {
    static RunCommand parse(String... args) {
        RunCommand command = new RunCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void leaderElectionIsOnByDefaultAndEachFormMeansWhatItSays() {
        // A negatable picocli option that defaults to true used to flip: --leader-election turned
        // it off.
        assertThat(parse().leaderElection).isTrue();
        assertThat(parse("--leader-election").leaderElection).isTrue();
        assertThat(parse("--no-leader-election").leaderElection).isFalse();
        assertThat(parse("--leader-election=false").leaderElection).isFalse();
    }

    @Test
    void namespacesAreCommaSeparated() {
        assertThat(parse("--namespaces=store-north,store-south").namespaces)
                .containsExactly("store-north", "store-south");
        assertThat(parse().namespaces).isEmpty();
    }
}
