"""libxl-json: a domain as the ``libxl_domain_config`` JSON libvirt would hand libxl.

This is an output-only format: ``write`` builds the configuration the way
libvirt 11.3.0's libxl driver does (:mod:`xenvirsh.formats.libxl.build`) and
prints it the way Xen 4.17's ``libxl_domain_config_to_json`` does.
"""

from __future__ import annotations

from xenvirsh.formats.libxl import yajl
from xenvirsh.formats.libxl.build import build_config
from xenvirsh.formats.libxl.domain_config import DOMAIN_CONFIG
from xenvirsh.formats.libxl.idl import to_json
from xenvirsh.host import Host
from xenvirsh.model.domain import Domain


def write(dom: Domain, host: Host) -> str:
    return yajl.dumps(to_json(DOMAIN_CONFIG, build_config(dom, host)))
