"""xenvirsh: a virsh-style command line for Xen Dom0, talking to libxl directly."""

from __future__ import annotations

__version__ = "0.1.0"
