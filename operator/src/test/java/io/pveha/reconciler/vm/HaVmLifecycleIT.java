package io.pveha.reconciler.vm;

import io.fabric8.kubernetes.api.model.Event;
import io.pveha.api.DeletionPolicy;
import io.pveha.api.ObjectRef;
import io.pveha.api.Pveha;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmSpec;
import io.pveha.api.vm.PowerState;
import io.pveha.simulator.VmView;
import io.pveha.testing.SimHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The VM lines of the acceptance list, end to end: mock API server + PVE simulator + a real operator. */
class HaVmLifecycleIT {
    static SimHarness h;
    static final int TEMPLATE = 9000;

    @BeforeAll
    static void start() {
        h = new SimHarness();
        h.sim.cluster().createTemplate("pve1", TEMPLATE, Map.of("name", "debian-12-tpl", "memory", "2048", "cores", "2",
                "scsi0", "ceph-vm:16", "net0", "virtio,bridge=vmbr0", "agent", "1"));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static HaVmSpec.Source template(int vmid) {
        HaVmSpec.Source source = new HaVmSpec.Source();
        HaVmSpec.TemplateSource t = new HaVmSpec.TemplateSource();
        t.setVmid(vmid);
        source.setTemplate(t);
        return source;
    }

    static VmView pve(HaVm vm) {
        return h.sim.cluster().vm(vm.getStatus().getVmid()).orElseThrow();
    }

    @Test
    void aLinkedCloneOfATemplateRunsAndCarriesTheOwnershipMarker() {
        h.havm("pos-api-1", vm -> {
            vm.getSpec().setSource(template(TEMPLATE));
            vm.getSpec().setMemoryMiB(4096);
        });

        HaVm ready = h.awaitReady("pos-api-1", Duration.ofSeconds(60));

        VmView created = pve(ready);
        assertThat(created.name()).isEqualTo("pos-api-1");
        assertThat(created.status()).isEqualTo("running");
        assertThat(created.config()).containsEntry("memory", "4096").containsEntry("cores", "2");
        assertThat(created.config().get("scsi0")).contains("base-9000-disk-0/vm-" + created.vmid() + "-disk-0");
        assertThat(created.config().get("tags")).contains(Ownership.ownerTag(ready));
        assertThat(created.config().get("description")).contains("pveha.io/uid=" + ready.getMetadata().getUid());
        assertThat(ready.getStatus().getNode()).isEqualTo("pve1");
        assertThat(ready.getStatus().getPowerState()).isEqualTo("running");
        assertThat(ready.getStatus().getPendingTask()).isNull();
        assertThat(events("pos-api-1")).extracting(Event::getReason).contains("CloneSucceeded", "StartSucceeded");
    }

    @Test
    void aVmWaitsForItsStorageInsteadOfFailing() {
        long createsBefore = h.sim.requestStats().count("POST /nodes/{node}/qemu");
        h.havm("on-new-storage", vm -> {
            HaVmSpec.Source source = new HaVmSpec.Source();
            source.setNone(new HaVmSpec.EmptySource());
            vm.getSpec().setSource(source);
            HaVmSpec.Disk disk = new HaVmSpec.Disk();
            disk.setSlot("scsi0");
            disk.setStorage("later-store");
            disk.setSizeGiB(4);
            vm.getSpec().setDisks(List.of(disk));
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> h.readyReason(HaVm.class, "on-new-storage").filter("WaitingForStorage"::equals).isPresent());
        assertThat(h.sim.requestStats().count("POST /nodes/{node}/qemu")).as("no create PVE would refuse").isEqualTo(createsBefore);

        h.pveAsAdmin().post("/storage", Map.of("storage", "later-store", "type", "dir", "path", "/var/lib/later", "content", "images", "shared", 1));

        VmView created = pve(h.awaitReady("on-new-storage", Duration.ofSeconds(60)));
        assertThat(created.config().get("scsi0")).startsWith("later-store:");
    }

    @Test
    void anIsoVmBootsTheInstaller() {
        h.havm("installer", vm -> {
            HaVmSpec.Source source = new HaVmSpec.Source();
            HaVmSpec.IsoSource iso = new HaVmSpec.IsoSource();
            iso.setVolume("local:iso/debian-12.9.0-amd64-netinst.iso");
            source.setIso(iso);
            vm.getSpec().setSource(source);
            HaVmSpec.Disk disk = new HaVmSpec.Disk();
            disk.setSlot("scsi0");
            disk.setStorage("ceph-vm");
            disk.setSizeGiB(8);
            vm.getSpec().setDisks(List.of(disk));
            HaVmSpec.Nic nic = new HaVmSpec.Nic();
            nic.setSlot("net0");
            nic.setBridge("vmbr0");
            nic.setVlan(30);
            vm.getSpec().setNetworks(List.of(nic));
        });

        VmView created = pve(h.awaitReady("installer", Duration.ofSeconds(60)));

        assertThat(created.status()).isEqualTo("running");
        assertThat(created.config().get("ide2")).startsWith("local:iso/debian-12.9.0-amd64-netinst.iso").contains("media=cdrom");
        assertThat(created.config().get("boot")).isEqualTo("order=ide2;scsi0;net0");
        assertThat(created.config().get("net0")).contains("bridge=vmbr0").contains("tag=30");
    }

    @Test
    void aTemplateFromAnIsoIsConvertedOnceTheInstalledVmShutsDown() {
        h.havm("installed-tpl", vm -> {
            HaVmSpec.Source source = new HaVmSpec.Source();
            HaVmSpec.IsoSource iso = new HaVmSpec.IsoSource();
            iso.setVolume("local:iso/debian-12.9.0-amd64-netinst.iso");
            source.setIso(iso);
            vm.getSpec().setSource(source);
            HaVmSpec.Disk disk = new HaVmSpec.Disk();
            disk.setSlot("scsi0");
            disk.setStorage("ceph-vm");
            disk.setSizeGiB(8);
            vm.getSpec().setDisks(List.of(disk));
            vm.getSpec().setTemplate(true);
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> h.readyReason(HaVm.class, "installed-tpl").filter("WaitingForInstall"::equals).isPresent());
        HaVm installing = h.get("installed-tpl");
        assertThat(pve(installing).status()).as("the installer runs").isEqualTo("running");

        // The OS installation finishes: the installer powers the VM off.
        h.pveAsAdmin().post("/nodes/" + installing.getStatus().getNode() + "/qemu/" + installing.getStatus().getVmid() + "/status/shutdown", Map.of());

        HaVm template = h.awaitReady("installed-tpl", Duration.ofSeconds(60));
        assertThat(template.getStatus().getTemplate()).isTrue();
        assertThat(pve(template).template()).isTrue();
        // The installer ISO (node-local storage) is ejected, so clones can be placed on any node.
        assertThat(pve(template).config().get("ide2")).isEqualTo("none,media=cdrom");
        String otherNode = h.sim.nodeNames().stream().filter(n -> !n.equals(template.getStatus().getNode())).findFirst().orElseThrow();
        h.havm("from-installed", vm -> {
            vm.getSpec().setSource(template(template.getStatus().getVmid()));
            HaVmSpec.Placement placement = new HaVmSpec.Placement();
            placement.setNode(otherNode);
            vm.getSpec().setPlacement(placement);
        });
        assertThat(h.awaitReady("from-installed", Duration.ofSeconds(60)).getStatus().getNode()).isEqualTo(otherNode);
    }

    @Test
    void aHaVmBecomesATemplateAndAnotherHaVmClonesIt() {
        h.havm("golden", vm -> {
            vm.getSpec().setSource(template(TEMPLATE));
            vm.getSpec().getSource().getTemplate().setFull(true);
            vm.getSpec().setTemplate(true);
        });
        HaVm golden = h.awaitReady("golden", Duration.ofSeconds(60));
        assertThat(golden.getStatus().getTemplate()).isTrue();
        assertThat(pve(golden).template()).isTrue();

        h.havm("from-golden", vm -> {
            HaVmSpec.Source source = new HaVmSpec.Source();
            HaVmSpec.TemplateSource t = new HaVmSpec.TemplateSource();
            t.setHaVmRef(new ObjectRef("golden"));
            source.setTemplate(t);
            vm.getSpec().setSource(source);
            vm.getSpec().setPowerState(PowerState.Stopped);
        });
        VmView clone = pve(h.awaitReady("from-golden", Duration.ofSeconds(60)));
        assertThat(clone.config().get("scsi0")).contains("base-" + golden.getStatus().getVmid());
        assertThat(clone.status()).isEqualTo("stopped");
    }

    @Test
    void driftInDeclaredFieldsIsCorrectedAndUndeclaredOnesAreLeftAlone() {
        HaVm vm = h.havm("drifter", v -> {
            v.getSpec().setSource(template(TEMPLATE));
            v.getSpec().setMemoryMiB(3072);
            v.getSpec().setPowerState(PowerState.Stopped);
        });
        HaVm ready = h.awaitReady("drifter", Duration.ofSeconds(60));
        int vmid = ready.getStatus().getVmid();
        // Someone edits the VM in the PVE GUI: a declared field and an undeclared one.
        h.pveAsAdmin().put("/nodes/" + ready.getStatus().getNode() + "/qemu/" + vmid + "/config", Map.of("memory", "1024", "cores", "6"));

        await().atMost(Duration.ofSeconds(30)).until(() -> "3072".equals(h.sim.cluster().vm(vmid).orElseThrow().config().get("memory")));
        assertThat(h.sim.cluster().vm(vmid).orElseThrow().config()).containsEntry("cores", "6");
        // The Event follows the PVE write (status, then Events): wait for it rather than race it.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(events(vm.getMetadata().getName())).extracting(Event::getReason).contains("Configuring"));
    }

    @Test
    void anUnownedVmIsNeverTouchedUntilAdopted() {
        h.sim.cluster().createRunningVm("pve2", 777, Map.of("name", "legacy-erp", "memory", "1024", "scsi0", "local-lvm:4"));
        h.havm("erp", vm -> {
            vm.getSpec().setSource(template(TEMPLATE));
            vm.getSpec().setVmid(777);
            vm.getSpec().setMemoryMiB(2048);
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> h.readyReason(HaVm.class, "erp").filter("VmidTaken"::equals).isPresent());
        assertThat(h.sim.cluster().vm(777).orElseThrow().config()).containsEntry("memory", "1024").containsEntry("name", "legacy-erp");

        HaVm erp = h.get("erp");
        erp.getMetadata().setAnnotations(Map.of(Pveha.ANNOTATION_ADOPT, "true"));
        h.client.resource(erp).update();
        // The running VM gets the new memory as a pending change: no surprise reboot with restartPolicy Manual.
        await().atMost(Duration.ofSeconds(30)).until(() -> h.readyReason(HaVm.class, "erp").filter("RestartPending"::equals).isPresent());
        VmView adopted = h.sim.cluster().vm(777).orElseThrow();
        assertThat(adopted.config()).containsEntry("name", "erp");
        assertThat(adopted.config().get("tags")).contains(Ownership.ownerTag(erp));
        assertThat(adopted.pending()).containsEntry("memory", "2048");
        assertThat(h.get("erp").getStatus().getPendingChanges()).contains("memory");

        erp = h.get("erp");
        erp.getSpec().setRestartPolicy(io.pveha.api.vm.RestartPolicy.Automatic);
        h.client.resource(erp).update();
        h.awaitReady("erp", Duration.ofSeconds(60));
        assertThat(h.sim.cluster().vm(777).orElseThrow().config()).containsEntry("memory", "2048");
        assertThat(h.sim.cluster().vm(777).orElseThrow().pending()).isEmpty();
    }

    @Test
    void deletionRetainsByDefaultAndDestroysInOrderWhenAsked() {
        HaVm kept = h.havm("kept", vm -> vm.getSpec().setSource(template(TEMPLATE)));
        HaVm gone = h.havm("gone", vm -> {
            vm.getSpec().setSource(template(TEMPLATE));
            vm.getSpec().setDeletionPolicy(DeletionPolicy.Delete);
        });
        int keptVmid = h.awaitReady("kept", Duration.ofSeconds(60)).getStatus().getVmid();
        int goneVmid = h.awaitReady("gone", Duration.ofSeconds(60)).getStatus().getVmid();

        h.client.resource(kept).delete();
        h.client.resource(gone).delete();

        await().atMost(Duration.ofSeconds(60)).until(() -> h.get("kept") == null && h.get("gone") == null);
        assertThat(h.sim.cluster().vm(keptVmid)).as("Retain leaves the VM").isPresent();
        assertThat(h.sim.cluster().vm(goneVmid)).as("Delete destroys it").isEmpty();
    }

    static List<Event> events(String name) {
        return h.client.v1().events().inNamespace(SimHarness.NS).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())).toList();
    }
}
