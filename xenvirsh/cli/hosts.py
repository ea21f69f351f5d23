"""Which host description a command's conversions use."""

from __future__ import annotations

import os
from typing import Optional

from xenvirsh.host import TEST_HOST, Host
from xenvirsh.uri import default_uri, parse_uri

XEN_CAPABILITIES = "/proc/xen/capabilities"


def conversion_host(uri: Optional[str]) -> Host:
    """On a Dom0 connected to xen:///system, this host as libxl describes it (as
    libvirt converts with the driver's capabilities); everywhere else, and
    without Xen, libvirt's test host description: conversions need no hypervisor."""
    if parse_uri(uri or default_uri()).driver == "xen" and os.path.exists(XEN_CAPABILITIES):
        import libxl_shim

        if libxl_shim.dom0_problem() is None:
            from xenvirsh.drivers.libxl import LibxlHypervisor

            return LibxlHypervisor.open().host
    return TEST_HOST
