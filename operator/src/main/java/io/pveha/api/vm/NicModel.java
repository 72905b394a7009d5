package io.pveha.api.vm;

/** NIC models PVE offers. */
public enum NicModel {
    virtio,
    e1000,
    vmxnet3,
    rtl8139
}
