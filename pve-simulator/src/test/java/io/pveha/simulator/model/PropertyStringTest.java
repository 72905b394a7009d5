package io.pveha.simulator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PropertyStringTest {

    @Test
    void drivesPrintFileFirstThenOptionsSorted() {
        Drive drive =
                Drive.parse(
                        "scsi0", "local-lvm:vm-100-disk-0,ssd=1,discard=on,size=32G,iothread=1");
        assertThat(drive.file()).isEqualTo("local-lvm:vm-100-disk-0");
        assertThat(drive.print())
                .isEqualTo("local-lvm:vm-100-disk-0,discard=on,iothread=1,size=32G,ssd=1");
        assertThat(drive.sizeBytes()).isEqualTo(32L << 30);
        assertThat(drive.storage()).isEqualTo("local-lvm");
    }

    @Test
    void cdromsAndCloudInitDrivesAreRecognised() {
        assertThat(Drive.parse("ide2", "local:iso/debian.iso,media=cdrom").isCdrom()).isTrue();
        assertThat(Drive.parse("ide2", "none,media=cdrom").hasVolume()).isFalse();
        assertThat(Drive.parse("ide0", "local-lvm:vm-100-cloudinit,media=cdrom").isCloudInit())
                .isTrue();
        assertThat(
                        Drive.parse("ide0", "local:100/vm-100-cloudinit.qcow2,media=cdrom")
                                .isCloudInit())
                .isTrue();
        assertThat(Drive.parse("scsi0", "local-lvm:vm-100-disk-0").isCloudInit()).isFalse();
    }

    @Test
    void nicModelAndMacAreOnePair() {
        Map<String, String> net =
                PropertyString.parse("virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,firewall=1", "model");
        assertThat(net)
                .containsEntry("model", "virtio")
                .containsEntry("macaddr", "BC:24:11:AA:BB:CC");
        Map<String, String> reordered = new LinkedHashMap<>();
        reordered.put("tag", "10");
        reordered.putAll(net);
        assertThat(PropertyString.print(reordered, "model"))
                .isEqualTo("virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,firewall=1,tag=10");
    }

    @Test
    void sizesFormatLikeFormatSize() {
        assertThat(PropertyString.formatSize(32L << 30)).isEqualTo("32G");
        assertThat(PropertyString.formatSize(4L << 20)).isEqualTo("4M");
        assertThat(PropertyString.formatSize(1536L << 20)).isEqualTo("1536M");
        assertThat(PropertyString.formatSize(1L << 40)).isEqualTo("1T");
        assertThat(PropertyString.formatSize(662_700_032L)).isEqualTo("632M");
        assertThat(PropertyString.formatSize(1025)).isEqualTo("1025");
        assertThat(PropertyString.parseSize("32G")).isEqualTo(32L << 30);
        assertThat(PropertyString.parseSize("512")).isEqualTo(512);
    }
}
