package io.pveha.reconciler.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.api.ObjectRef;
import io.pveha.api.vm.CloudInit;
import io.pveha.api.vm.Cpu;
import io.pveha.api.vm.Disk;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmSpec;
import io.pveha.api.vm.IsoSource;
import io.pveha.api.vm.Nic;
import io.pveha.api.vm.Source;
import io.pveha.api.vm.TemplateSource;
import io.pveha.pve.model.VmConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VmSpecMappingTest {
    static HaVm vm() {
        HaVm vm = new HaVm();
        vm.getMetadata().setName("pos-api-1");
        vm.getMetadata().setNamespace("store");
        vm.getMetadata().setUid("0a1b2c3d-4e5f-6789-abcd-ef0123456789");
        HaVmSpec spec = new HaVmSpec();
        spec.setClusterRef(new ObjectRef("main"));
        Source source = new Source();
        TemplateSource template = new TemplateSource();
        template.setVmid(9000);
        source.setTemplate(template);
        spec.setSource(source);
        vm.setSpec(spec);
        return vm;
    }

    static Disk disk(String slot, String storage, int gib) {
        Disk d = new Disk();
        d.setSlot(slot);
        d.setStorage(storage);
        d.setSizeGiB(gib);
        return d;
    }

    static VmConfig config(Map<String, String> values) {
        Map<String, String> all = new LinkedHashMap<>(values);
        all.putIfAbsent("name", "pos-api-1");
        all.putIfAbsent("tags", "pveha;" + Ownership.ownerTag(vm()));
        all.putIfAbsent(
                "description",
                "Managed by pve-ha-operator: HaVm store/pos-api-1\npveha.io/uid=0a1b2c3d-4e5f-6789-abcd-ef0123456789");
        return new VmConfig(all, "d1");
    }

    @Test
    void undeclaredTemplateValuesAreLeftAlone() {
        HaVm vm = vm();
        VmConfig cloned =
                config(
                        Map.of(
                                "memory",
                                "8192",
                                "cores",
                                "4",
                                "scsi0",
                                "vm-pool:base-9000-disk-0/vm-101-disk-0,size=32G",
                                "net0",
                                "virtio=BC:24:11:AA:BB:CC,bridge=vmbr0",
                                "agent",
                                "1"));

        VmSpecMapping.ConfigDelta delta =
                VmSpecMapping.delta(vm, cloned, CloudInitSecrets.NONE, false);

        assertThat(delta.isEmpty()).as(delta.changes().toString()).isTrue();
        assertThat(delta.refused()).isEmpty();
    }

    @Test
    void declaredFieldsAreCorrectedAndMemoryReadsBothPveFormats() {
        HaVm vm = vm();
        vm.getSpec().setMemoryMiB(4096);
        Cpu cpu = new Cpu();
        cpu.setCores(2);
        vm.getSpec().setCpu(cpu);

        assertThat(
                        VmSpecMapping.delta(
                                        vm,
                                        config(Map.of("memory", "4096", "cores", "2")),
                                        CloudInitSecrets.NONE,
                                        false)
                                .isEmpty())
                .isTrue();
        assertThat(
                        VmSpecMapping.delta(
                                        vm,
                                        config(Map.of("memory", "current=4096", "cores", "2")),
                                        CloudInitSecrets.NONE,
                                        false)
                                .isEmpty())
                .isTrue();
        VmSpecMapping.ConfigDelta drifted =
                VmSpecMapping.delta(
                        vm,
                        config(Map.of("memory", "2048", "cores", "4")),
                        CloudInitSecrets.NONE,
                        false);
        assertThat(drifted.set()).containsEntry("memory", "4096").containsEntry("cores", "2");
    }

    @Test
    void disksGrowNeverShrinkAndNeverMove() {
        HaVm vm = vm();
        vm.getSpec().setDisks(List.of(disk("scsi0", "vm-pool", 64), disk("scsi1", "vm-pool", 10)));
        VmConfig config =
                config(
                        Map.of(
                                "scsi0",
                                "vm-pool:vm-101-disk-0,size=32G",
                                "scsi1",
                                "vm-pool:vm-101-disk-1,size=20G"));

        VmSpecMapping.ConfigDelta delta =
                VmSpecMapping.delta(vm, config, CloudInitSecrets.NONE, false);

        assertThat(delta.resizes()).containsExactly(new VmSpecMapping.Resize("scsi0", "64G"));
        assertThat(delta.refused())
                .singleElement()
                .asString()
                .contains("disk scsi1 is 20G, the spec says 10G: disks never shrink");
        vm.getSpec().setDisks(List.of(disk("scsi0", "local-lvm", 32)));
        assertThat(VmSpecMapping.delta(vm, config, CloudInitSecrets.NONE, false).refused())
                .singleElement()
                .asString()
                .contains("is on storage vm-pool, the spec says local-lvm");
    }

    @Test
    void aNicKeepsItsGeneratedMacWhenOnlyTheVlanChanges() {
        HaVm vm = vm();
        Nic nic = new Nic();
        nic.setSlot("net0");
        nic.setBridge("vmbr0");
        nic.setVlan(20);
        vm.getSpec().setNetworks(List.of(nic));

        VmSpecMapping.ConfigDelta delta =
                VmSpecMapping.delta(
                        vm,
                        config(Map.of("net0", "virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,tag=10")),
                        CloudInitSecrets.NONE,
                        false);

        assertThat(delta.set())
                .containsEntry("net0", "virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,tag=20");
        assertThat(
                        VmSpecMapping.delta(
                                        vm,
                                        config(
                                                Map.of(
                                                        "net0",
                                                        "bridge=vmbr0,tag=20,virtio=bc:24:11:aa:bb:cc")),
                                        CloudInitSecrets.NONE,
                                        false)
                                .isEmpty())
                .as("order and case do not matter")
                .isTrue();
    }

    @Test
    void ownershipTagsAndMarkerAreRestoredWithoutTouchingDeclaredTags() {
        HaVm vm = vm();
        vm.getSpec().setTags(List.of("pos"));
        VmSpecMapping.ConfigDelta delta =
                VmSpecMapping.delta(
                        vm,
                        config(Map.of("tags", "pos", "description", "cash register")),
                        CloudInitSecrets.NONE,
                        false);

        assertThat(delta.set().get("tags")).isEqualTo("pos;pveha;" + Ownership.ownerTag(vm()));
        assertThat(delta.set().get("description"))
                .startsWith("cash register\nManaged by pve-ha-operator: HaVm store/pos-api-1");
    }

    @Test
    void sshKeysAreUrlEncodedOnceAndComparedDecoded() {
        String keys = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPx+y/z= ops@store\n";
        String encoded = VmSpecMapping.encodeKeys(keys);
        assertThat(encoded)
                .isEqualTo("ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIPx%2By%2Fz%3D%20ops%40store%0A");

        HaVm vm = vm();
        CloudInit ci = new CloudInit();
        ci.setUser("ops");
        vm.getSpec().setCloudInit(ci);
        vm.getSpec().setDisks(List.of(disk("scsi0", "vm-pool", 32)));
        VmConfig config =
                config(
                        Map.of(
                                "scsi0",
                                "vm-pool:vm-101-disk-0,size=32G",
                                "ide0",
                                "vm-pool:vm-101-cloudinit,media=cdrom",
                                "ciuser",
                                "ops",
                                "sshkeys",
                                encoded));
        CloudInitSecrets secrets = new CloudInitSecrets(keys, "s3cret", "rv1");

        assertThat(VmSpecMapping.delta(vm, config, secrets, false).isEmpty()).isTrue();
        VmSpecMapping.ConfigDelta withPassword = VmSpecMapping.delta(vm, config, secrets, true);
        assertThat(withPassword.set()).containsOnlyKeys("cipassword");
        assertThat(withPassword.changes()).noneMatch(c -> c.contains("s3cret"));
    }

    @Test
    void anIsoVmBootsTheInstallerFirst() {
        HaVm vm = vm();
        Source source = new Source();
        IsoSource iso = new IsoSource();
        iso.setVolume("local:iso/debian-12.9.0-amd64-netinst.iso");
        source.setIso(iso);
        vm.getSpec().setSource(source);
        vm.getSpec().setDisks(List.of(disk("scsi0", "vm-pool", 32)));
        Nic nic = new Nic();
        nic.setSlot("net0");
        nic.setBridge("vmbr0");
        vm.getSpec().setNetworks(List.of(nic));

        Map<String, Object> params = VmSpecMapping.createParams(vm, 120, CloudInitSecrets.NONE);

        assertThat(params)
                .containsEntry("vmid", 120)
                .containsEntry("scsi0", "vm-pool:32")
                .containsEntry("ide2", "local:iso/debian-12.9.0-amd64-netinst.iso,media=cdrom")
                .containsEntry("boot", "order=ide2;scsi0;net0")
                .containsEntry("net0", "virtio,bridge=vmbr0")
                .containsEntry("tags", "pveha;" + Ownership.ownerTag(vm()));
    }
}
