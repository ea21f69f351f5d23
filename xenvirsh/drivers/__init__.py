"""Hypervisor drivers: libxl on this host, a simulated host, a remote host."""
