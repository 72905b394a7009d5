package io.pveha.simulator.cli;

public final class SimulatorMain {
    public static void main(String[] args) {
        System.out.println("pve-simulator");
    }
}
