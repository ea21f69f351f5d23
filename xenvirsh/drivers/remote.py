"""xen+ssh://[user@]host[:port]/system: run xenvirsh on the other host.

There is no daemon to talk to: the command runs on the remote host as
``xenvirsh -c xen:///system ...`` through the system's OpenSSH client, which
honours ``~/.ssh/config``. ssh hands the remote shell one command line, so
every argument is quoted for it; files named on the local command line are
sent over standard input. What the remote side prints comes back unchanged.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from typing import List, Mapping, Optional, Sequence

from xenvirsh.uri import URI

# the remote program; XENVIRSH_REMOTE_COMMAND may give another (e.g. "python3 -m xenvirsh")
DEFAULT_REMOTE_COMMAND = "xenvirsh"
# the connection made on the remote host; XENVIRSH_REMOTE_URI may pick its simulated host
DEFAULT_REMOTE_URI = "xen:///system"


def ssh_argv(uri: URI, remote_args: Sequence[str], *, tty: bool = False,
             environ: Optional[Mapping[str, str]] = None) -> List[str]:
    """The ssh command line running ``xenvirsh -c xen:///system ARGS`` remotely."""
    env = os.environ if environ is None else environ
    remote = shlex.split(env.get("XENVIRSH_REMOTE_COMMAND") or DEFAULT_REMOTE_COMMAND)
    remote_uri = env.get("XENVIRSH_REMOTE_URI") or DEFAULT_REMOTE_URI
    command = " ".join(shlex.quote(arg) for arg in [*remote, "-c", remote_uri, *remote_args])
    argv = [env.get("XENVIRSH_SSH") or "ssh"]
    argv.append("-t" if tty else "-T")
    if uri.port is not None:
        argv += ["-p", str(uri.port)]
    destination = f"{uri.user}@{uri.host}" if uri.user else str(uri.host)
    # "--" keeps a hostname starting with "-" from being read as an ssh option
    return [*argv, "--", destination, command]


def run_remote(uri: URI, remote_args: Sequence[str], *, stdin: Optional[bytes] = None,
               tty: bool = False) -> int:
    """Run the command remotely; its output goes straight to ours."""
    argv = ssh_argv(uri, remote_args, tty=tty)
    try:
        if stdin is None:
            completed = subprocess.run(argv, check=False)
        else:
            completed = subprocess.run(argv, input=stdin, check=False)
    except FileNotFoundError:
        sys.stderr.write(f"error: cannot connect to {uri.text}: the ssh client '{argv[0]}' "
                         "is not installed (Debian package openssh-client)\n")
        return 1
    if completed.returncode == 255:
        sys.stderr.write(f"error: cannot connect to {uri.text}: ssh failed (see above)\n")
    return 0 if completed.returncode == 0 else 1
