"""Drives pve-simulator with Debian's python3-proxmoxer, unchanged, the way scripts use it.

Usage: drive_simulator.py token|password
Environment: PVE_HOST (host:port), PVE_USER, PVE_TOKEN_NAME, PVE_TOKEN_VALUE, PVE_PASSWORD.
Prints one line per step and "ALL OK <mode>" at the end; exits non-zero on the first failure.
"""
import os
import sys
import time

from proxmoxer import ProxmoxAPI

TEMPLATE_NAME = "debian-12-template"


def connect(mode):
    host = os.environ["PVE_HOST"]
    if mode == "token":
        return ProxmoxAPI(host, user=os.environ["PVE_USER"], token_name=os.environ["PVE_TOKEN_NAME"],
                          token_value=os.environ["PVE_TOKEN_VALUE"], verify_ssl=False)
    return ProxmoxAPI(host, user="root@pam", password=os.environ["PVE_PASSWORD"], verify_ssl=False)


def wait(prox, node, upid, timeout=60):
    """Polls the task until it is stopped; fails unless its exit status is OK."""
    deadline = time.time() + timeout
    while True:
        status = prox.nodes(node).tasks(upid).status.get()
        if status["status"] == "stopped":
            if status.get("exitstatus") != "OK":
                log = prox.nodes(node).tasks(upid).log.get()
                sys.exit("task %s failed: %s\n%s" % (upid, status.get("exitstatus"), log))
            return
        if time.time() > deadline:
            sys.exit("task did not finish in time: " + upid)
        time.sleep(0.1)


def inventory_reads(prox, node, template_vmid):
    """The reads inventory and monitoring scripts make, with the types they rely on."""
    for n in [n["node"] for n in prox.nodes.get()]:
        assert prox.nodes(n).lxc.get() == [], n
    bridges = prox.nodes(node).network.get(type="bridge")
    assert [b["iface"] for b in bridges] == ["vmbr0"] and bridges[0]["address"], bridges
    assert prox.nodes(node).dns.get()["search"]
    assert isinstance(prox.nodes(node).time.get()["time"], int)
    assert prox.nodes(node).subscription.get()["status"] == "notfound"
    services = {s["service"]: s["state"] for s in prox.nodes(node).services.get()}
    assert services["pveproxy"] == "running", services
    assert prox.nodes(node).replication.get() == []
    certs = prox.nodes(node).certificates.info.get()
    assert [c["filename"] for c in certs] == ["pve-root-ca.pem", "pve-ssl.pem"], certs
    snapshots = prox.nodes(node).qemu(template_vmid).snapshot.get()
    assert [s["name"] for s in snapshots] == ["current"], snapshots
    assert prox.pools.get() == []
    assert "mac_prefix" in prox.cluster.options.get()
    assert [n["name"] for n in prox.cluster.config.nodes.get()] == ["pve1", "pve2", "pve3"]
    assert prox.cluster.replication.get() == []
    assert "digest" in prox.cluster.firewall.options.get()
    assert "root@pam" in [u["userid"] for u in prox.access.users.get()]
    assert "PVEAuditor" in [r["roleid"] for r in prox.access.roles.get()]
    assert prox.access.groups.get() == []
    print("reads ok")


def main(mode):
    prox = connect(mode)
    version = prox.version.get()
    print("version", version["version"])

    nodes = [n["node"] for n in prox.nodes.get() if n["status"] == "online"]
    print("nodes", ",".join(sorted(nodes)))

    vms = prox.cluster.resources.get(type="vm")
    template = next(vm for vm in vms if vm.get("template") and vm.get("name") == TEMPLATE_NAME)
    node = template["node"]
    print("template", template["vmid"], "on", node)
    inventory_reads(prox, node, template["vmid"])

    vmid = int(prox.cluster.nextid.get())
    upid = prox.nodes(node).qemu.post(vmid=vmid, name="py-%s-iso" % mode, memory=1024, cores=1,
                                      scsi0="local-lvm:4", net0="virtio,bridge=vmbr0",
                                      ide2="local:iso/debian-12.9.0-amd64-netinst.iso,media=cdrom")
    wait(prox, node, upid)
    config = prox.nodes(node).qemu(vmid).config.get()
    assert config["name"] == "py-%s-iso" % mode, config
    print("created", vmid)

    clone_id = int(prox.cluster.nextid.get())
    upid = prox.nodes(node).qemu(template["vmid"]).clone.post(newid=clone_id, name="py-%s-clone" % mode, full=1)
    wait(prox, node, upid)
    print("cloned", clone_id)

    upid = prox.nodes(node).qemu(clone_id).status.start.post()
    wait(prox, node, upid)
    status = prox.nodes(node).qemu(clone_id).status.current.get()
    assert status["status"] == "running" and status["qmpstatus"] == "running", status
    print("status", status["status"])

    upid = prox.nodes(node).qemu(clone_id).status.shutdown.post(forceStop=1)
    wait(prox, node, upid)
    status = prox.nodes(node).qemu(clone_id).status.current.get()
    assert status["status"] == "stopped", status
    print("shutdown", clone_id)

    for doomed in (clone_id, vmid):
        upid = prox.nodes(node).qemu(doomed).delete(purge=1)
        wait(prox, node, upid)
    remaining = [vm["vmid"] for vm in prox.cluster.resources.get(type="vm")]
    assert clone_id not in remaining and vmid not in remaining, remaining
    print("deleted", clone_id, vmid)
    print("ALL OK", mode)


if __name__ == "__main__":
    main(sys.argv[1])
