"""Run xenvirsh command lines in forked processes, on request, fast.

The crash and concurrency tests need hundreds of CLI processes; starting a
Python interpreter and importing xenvirsh for each costs most of a second.
This server imports the CLI once, then forks a child per command line: the
child is a real process running ``xenvirsh ARGS`` (the same ``run`` that
``python -m xenvirsh`` calls), with its own stdout and stderr, and can be
killed at any point.

Protocol, one JSON object per line on stdin, one reply per line on stdout:

* ``{"run": [ARGS...], "env": {...}, "kill_after": SECONDS or null, "uid": UID or null}``:
  fork a child running ARGS with ENV added to its environment (as UID when
  given); with ``kill_after``, send it
  SIGKILL after that many seconds unless it has finished. Reply
  ``{"status": CODE, "killed": BOOL, "seconds": S, "err": STDERR}``.
* ``{"many": [[ARGS...], ...], "env": {...}}``: fork all of them at once, wait for all;
  reply ``{"results": [{"status": CODE, "err": STDERR}, ...]}``.

The child never reaps or is reaped early, so a pid is never reused before
the kill.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import time
from typing import Any, Dict, List, Optional, Tuple

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _preload() -> None:
    """Import everything a command may import lazily, by running each once on a
    scratch host: a child that dropped its privileges may not be allowed to
    read the interpreter's files any more."""
    import contextlib
    import io

    sys.path.insert(0, REPO)
    from xenvirsh.cli.main import run

    with tempfile.TemporaryDirectory() as scratch:
        xml = os.path.join(scratch, "warm.xml")
        with open(xml, "w") as handle:
            handle.write("<domain type='xen'><name>warm</name><memory>65536</memory><os>"
                         "<type>linux</type><kernel>/k</kernel></os></domain>")
        os.environ["XENVIRSH_TEST_STATE"] = os.path.join(scratch, "state")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            for args in (["define", xml], ["start", "warm"], ["list", "--all"],
                         ["dominfo", "warm"], ["destroy", "warm"], ["undefine", "warm"],
                         ["dominfo", "missing"], ["define", scratch + "/missing.xml"]):
                run(["-c", "test:///default", "-q", *args])
        del os.environ["XENVIRSH_TEST_STATE"]


def _child(args: List[str], env: Dict[str, str], err_fd: int, uid: Optional[int]) -> None:
    from xenvirsh.cli.main import run

    os.environ.update(env)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.dup2(err_fd, 2)
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    try:
        status = run(args)
    finally:
        sys.stderr.flush()
    os._exit(status)


def _spawn(args: List[str], env: Dict[str, str], uid: Optional[int] = None) -> Tuple[int, Any]:
    err = tempfile.TemporaryFile()
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        try:
            _child(args, env, err.fileno(), uid)
        finally:
            os._exit(70)
    return pid, err


def _status(wait_status: int) -> int:
    if os.WIFSIGNALED(wait_status):
        return -os.WTERMSIG(wait_status)
    return os.WEXITSTATUS(wait_status)


def _collect(pid: int, err: Any, wait_status: Optional[int] = None) -> Dict[str, Any]:
    if wait_status is None:
        _, wait_status = os.waitpid(pid, 0)
    err.seek(0)
    text = err.read().decode("utf-8", "replace")
    err.close()
    return {"status": _status(wait_status), "err": text}


def _run_one(request: Dict[str, Any]) -> Dict[str, Any]:
    start = time.monotonic()
    pid, err = _spawn(request["run"], request.get("env", {}), request.get("uid"))
    killed = False
    wait_status: Optional[int] = None
    delay = request.get("kill_after")
    if delay is not None:
        time.sleep(delay)
        # still unreaped, so the pid is ours (a zombie ignores the signal)
        finished, early_status = os.waitpid(pid, os.WNOHANG)
        if finished == 0:
            os.kill(pid, signal.SIGKILL)
            killed = True
        else:
            wait_status = early_status
    result = _collect(pid, err, wait_status)
    result.update(killed=killed, seconds=time.monotonic() - start)
    return result


def _run_many(request: Dict[str, Any]) -> Dict[str, Any]:
    children = [_spawn(args, request.get("env", {})) for args in request["many"]]
    return {"results": [_collect(pid, err) for pid, err in children]}


def main() -> None:
    _preload()
    for line in sys.stdin:
        request = json.loads(line)
        reply = _run_many(request) if "many" in request else _run_one(request)
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
