package io.pveha.simulator.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SectionConfigTest {

    @Test
    void rendersLikeWriteConfigAndDigestsTheFile() {
        SectionConfig config = new SectionConfig();
        assertThat(config.digest())
                .as("SHA1 of an empty file")
                .isEqualTo("da39a3ee5e6b4b0d3255bfef95601890afd80709");
        config.put(new SectionConfig.Section("vm", "vm:100", Map.of("state", "started")));
        config.put(
                new SectionConfig.Section("group", "prefer-pve1", Map.of("nodes", "pve1:2,pve2")));
        assertThat(config.render())
                .isEqualTo("vm: 100\n\tstate started\n\ngroup: prefer-pve1\n\tnodes pve1:2,pve2\n");
        String before = config.digest();
        config.put(new SectionConfig.Section("vm", "vm:100", Map.of("state", "stopped")));
        assertThat(config.digest()).hasSize(40).isNotEqualTo(before);
    }

    @Test
    void groupNodesParseWithPriorities() {
        HaGroup group =
                HaGroup.of(
                        new SectionConfig.Section(
                                "group",
                                "g",
                                Map.of("nodes", "pve1:2, pve2;pve3:1", "restricted", "1")));
        assertThat(group.nodes())
                .containsExactly(Map.entry("pve1", 2), Map.entry("pve2", 0), Map.entry("pve3", 1));
        assertThat(group.restricted()).isTrue();
        assertThat(group.nofailback()).isFalse();
    }

    @Test
    void verboseStateGivesUsersQuickFeedback() {
        ServiceConfig started =
                new ServiceConfig("vm:100", "vm", 100, "started", null, 1, 1, null, "pve1", true);
        ServiceStatus stopped = new ServiceStatus("stopped", "pve1", "uid");
        assertThat(HaApi.verboseState(null, started)).isEqualTo("queued");
        assertThat(HaApi.verboseState(stopped, started)).isEqualTo("starting");
        assertThat(HaApi.verboseState(stopped, null)).isEqualTo("deleting");
        ServiceStatus running = new ServiceStatus("started", "pve1", "uid");
        running.running = true;
        assertThat(HaApi.verboseState(running, started)).isEqualTo("started");
        assertThat(HaApi.verboseState(running, started.withNode(null))).isEqualTo("not found");
    }
}
