package io.pveha.lb.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RemoteCommandTest {
    @Test
    void placeholdersBecomeSingleQuotedArguments() {
        assertThat(RemoteCommand.of("haproxy -c -f {}", "/etc/haproxy/it's.cfg").script())
                .isEqualTo("haproxy -c -f '/etc/haproxy/it'\\''s.cfg'");
        assertThat(RemoteCommand.of("echo {} {}", "$(id)", "`id`; rm -rf /").script())
                .isEqualTo("echo '$(id)' '`id`; rm -rf /'");
    }

    @Test
    void argumentCountMustMatch() {
        assertThatThrownBy(() -> RemoteCommand.of("echo {} {}", "one"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RemoteCommand.of("echo {}", "one", "two"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Shell.quote("a\0b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stdinIsNeverPrinted() {
        RemoteCommand c =
                RemoteCommand.of("cat > {}", "/etc/keepalived/keepalived.conf")
                        .withStdin("auth_pass s3cret".getBytes());
        assertThat(c.toString()).doesNotContain("s3cret").contains("16 bytes on stdin");
    }
}
