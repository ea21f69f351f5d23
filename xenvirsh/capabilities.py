"""The host description as libvirt's capabilities XML (``virsh capabilities``)."""

from __future__ import annotations

from typing import List

from xenvirsh.formats.domxml.xmlout import escape
from xenvirsh.host import Host


def format_capabilities(host: Host) -> str:
    lines: List[str] = ["<capabilities>", ""]
    add = lines.append
    add("  <host>")
    add("    <cpu>")
    add(f"      <arch>{host.cpu.arch}</arch>")
    add(f"      <model>{escape(host.cpu.model)}</model>")
    add(f"      <vendor>{escape(host.cpu.vendor)}</vendor>")
    lines.extend(f"      <feature name='{escape(name)}'/>" for name in host.cpu.features)
    add("    </cpu>")
    add("    <power_management/>")
    add("    <iommu support='no'/>")
    add("  </host>")
    add("")
    for guest in host.guests:
        add("  <guest>")
        add(f"    <os_type>{guest.os_type}</os_type>")
        add(f"    <arch name='{guest.arch}'>")
        add(f"      <wordsize>{guest.wordsize}</wordsize>")
        add(f"      <emulator>{escape(guest.emulator)}</emulator>")
        if guest.loader:
            add(f"      <loader>{escape(guest.loader)}</loader>")
        lines.extend(f"      <machine>{escape(m)}</machine>" for m in guest.machines)
        lines.extend(f"      <domain type='{t}'/>" for t in guest.domain_types)
        add("    </arch>")
        if guest.features:
            add("    <features>")
            for name, mode in guest.features:
                if mode == "toggle":
                    add(f"      <{name} default='on' toggle='yes'/>")
                else:
                    add(f"      <{name}/>")
            add("    </features>")
        add("  </guest>")
        add("")
    add("</capabilities>")
    return "\n".join(lines) + "\n"
