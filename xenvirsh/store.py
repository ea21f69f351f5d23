"""The config store: one domain XML file per persistent domain.

Writes are atomic (a temporary file in the same directory, fsync, rename,
fsync of the directory), so a crash at any point leaves the old or the new
definition, never a mix. Every change happens under an exclusive ``flock`` on
the directory's lock file, so concurrent commands serialise instead of losing
each other's definitions. The directory is readable by its owner only: domain
XML carries VNC and SPICE passwords.

Listing domains needs the UUID of every definition; :meth:`ConfigStore.uuids`
keeps them in an index file so that a list does not parse a thousand
definitions. The index is only a cache, checked entry by entry against the
files themselves (see there).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

from xenvirsh.errors import SystemError_, XMLError

DEFAULT_CONFIG_DIR = "/etc/xenvirsh/domains"
SUFFIX = ".xml"
LOCK_NAME = ".lock"
INDEX_NAME = ".index.json"
INDEX_VERSION = 1

# a version of a file: inode, size, modification and change times (ns)
FileKey = Tuple[int, int, int, int]
# a definition's UUID and the version of the file it was read from
IndexEntry = Tuple[str, FileKey]


def validate_name(name: str) -> None:
    """The names libvirt accepts as file names of definitions."""
    if not name:
        raise XMLError("domain name must not be empty")
    if "/" in name:
        raise XMLError(f"name {name} cannot contain '/'")
    if name.startswith("."):
        raise XMLError(f"name {name} cannot start with '.'")


class ConfigStore:
    """Persistent definitions in ``directory``, autostart marks in ``autostart/``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.autostart_dir = directory / "autostart"

    def path(self, name: str) -> Path:
        validate_name(name)
        return self.directory / f"{name}{SUFFIX}"

    @contextlib.contextmanager
    def locked(self, exclusive: bool = True) -> Iterator[ConfigStore]:
        """Hold the store's lock (shared for reading, exclusive for changes)."""
        if exclusive:
            self._ensure_directory()
        elif not self.directory.is_dir():
            yield self
            return
        with lock_file(self.directory / LOCK_NAME, exclusive):
            yield self

    def names(self) -> List[str]:
        try:
            entries = os.listdir(self.directory)
        except FileNotFoundError:
            return []
        except OSError as err:
            raise _os_error("cannot read directory", self.directory, err) from None
        return sorted(e[: -len(SUFFIX)] for e in entries
                      if e.endswith(SUFFIX) and not e.startswith("."))

    def uuids(self, read_uuid: Callable[[str, bytes], str]) -> Dict[str, str]:
        """The UUID of every definition, by name (in name order).

        UUIDs come from the index while a definition's file is still the
        version they were read from (same inode, size, modification and change
        time: a save makes a new file, an edit in place changes the times);
        any other file (new, replaced, edited) is read and handed to
        ``read_uuid``, which raises for a damaged one, and the index is then
        rewritten. An entry is only ever made from the file it describes, so a
        missing, torn, damaged or stale index costs rereading definitions,
        never a wrong answer; it is written in place, without lock or fsync.
        """
        index = self._load_index()
        entries: Dict[str, IndexEntry] = {}
        for name in self.names():
            path = self.path(name)
            try:
                key = _file_key(os.stat(path))
            except FileNotFoundError:
                continue  # undefined since the listing
            except OSError as err:
                raise _os_error("cannot read definition", path, err) from None
            entry = index.get(name)
            if entry is None or entry[1] != key:
                loaded = self._load_with_key(name)
                if loaded is None:
                    continue
                data, key = loaded
                entry = (read_uuid(name, data), key)
            entries[name] = entry
        if entries != index:
            self._save_index(entries)
        return {name: uuid for name, (uuid, _key) in entries.items()}

    def _load_with_key(self, name: str) -> Optional[Tuple[bytes, FileKey]]:
        """The bytes of a definition and the version of the file they are from."""
        path = self.path(name)
        try:
            with open(path, "rb") as handle:
                # the version of the open file: a rename after this one does not matter
                key = _file_key(os.fstat(handle.fileno()))
                return handle.read(), key
        except FileNotFoundError:
            return None
        except OSError as err:
            raise _os_error("cannot read definition", path, err) from None

    def _load_index(self) -> Dict[str, IndexEntry]:
        """The index's valid entries; nothing when it is missing or damaged."""
        try:
            document = json.loads((self.directory / INDEX_NAME).read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(document, dict) or document.get("version") != INDEX_VERSION:
            return {}
        definitions = document.get("definitions")
        if not isinstance(definitions, dict):
            return {}
        entries: Dict[str, IndexEntry] = {}
        for name, entry in definitions.items():
            if (isinstance(entry, list) and len(entry) == 5 and isinstance(entry[0], str)
                    and all(type(number) is int for number in entry[1:])):
                entries[name] = (entry[0], (entry[1], entry[2], entry[3], entry[4]))
        return entries

    def _save_index(self, entries: Dict[str, IndexEntry]) -> None:
        document = {"version": INDEX_VERSION,
                    "definitions": {name: [uuid, *key] for name, (uuid, key) in entries.items()}}
        data = json.dumps(document, separators=(",", ":")).encode()
        # a cache: when it cannot be written (read-only, full disk), lists parse
        with contextlib.suppress(OSError):
            fd = os.open(self.directory / INDEX_NAME,
                         os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)

    def load(self, name: str) -> Optional[bytes]:
        path = self.path(name)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as err:
            raise _os_error("cannot read definition", path, err) from None

    def save(self, name: str, xml: str) -> None:
        self._ensure_directory()
        atomic_write(self.path(name), xml.encode("utf-8"))

    def delete(self, name: str) -> None:
        self.set_autostart(name, False)
        path = self.path(name)
        try:
            path.unlink()
        except FileNotFoundError:
            return
        except OSError as err:
            raise _os_error("cannot remove definition", path, err) from None
        _fsync_directory(self.directory)

    def autostart(self, name: str) -> bool:
        return (self.autostart_dir / f"{name}{SUFFIX}").is_symlink()

    def set_autostart(self, name: str, enabled: bool) -> None:
        link = self.autostart_dir / f"{name}{SUFFIX}"
        try:
            if enabled:
                self.autostart_dir.mkdir(mode=0o700, exist_ok=True)
                if not link.is_symlink():
                    os.symlink(self.path(name), link)
            elif link.is_symlink():
                link.unlink()
        except OSError as err:
            raise _os_error("cannot change autostart link", link, err) from None

    def autostart_names(self) -> List[str]:
        try:
            entries = os.listdir(self.autostart_dir)
        except OSError:
            return []
        return sorted(e[: -len(SUFFIX)] for e in entries if e.endswith(SUFFIX))

    def _ensure_directory(self) -> None:
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as err:
            raise _os_error("cannot create directory", self.directory, err) from None


def _file_key(status: os.stat_result) -> FileKey:
    return (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


@contextlib.contextmanager
def lock_file(path: Path, exclusive: bool = True) -> Iterator[None]:
    """Hold an ``flock`` on ``path`` (created if missing) for the block."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as err:
        raise _os_error("cannot open lock file", path, err) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: readers see the old or the new file.

    The temporary file's name carries the writer's pid, so that the files of
    writers killed before their rename are recognised and removed."""
    import tempfile  # commands that only read (list, dominfo) never need it

    directory = path.parent
    _remove_orphans(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp",
                                   dir=directory)
    except OSError as err:
        raise _os_error("cannot create temporary file in", directory, err) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.rename(tmp, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _os_error("cannot write", path, err) from None
    _fsync_directory(directory)


def _remove_orphans(path: Path) -> None:
    """Remove the temporary files for ``path`` left by writers that no longer run."""
    prefix = f".{path.name}."
    try:
        entries = os.listdir(path.parent)
    except OSError:
        return
    for entry in entries:
        pid = entry[len(prefix):].split(".", 1)[0]
        if entry.startswith(prefix) and entry.endswith(".tmp") and pid.isdigit() \
                and not _running(int(pid)):
            with contextlib.suppress(OSError):
                os.unlink(path.parent / entry)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _os_error(what: str, path: Path, err: OSError) -> SystemError_:
    reason = err.strerror or errno.errorcode.get(err.errno or 0, str(err))
    return SystemError_(f"{what} '{path}': {reason}")
