"""The libxl context and every operation xenvirsh performs through it.

A :class:`Context` owns, in allocation order, a logger (``_logger.py``), a
``libxl_ctx`` and the SIGCHLD hooks libxl keeps a pointer to; ``close`` frees
the ctx first and the logger second, as xl does. All libxl calls go through
:meth:`Context._call`, which attaches the lines libxl logged during a
failed call to the exception.

SIGCHLD: the context selects ``libxl_sigchld_owner_libxl_always_selective_reap``
(LIBXL.md §5): libxl keeps its SIGCHLD handler installed but reaps only its
own children, so the application may run ``subprocess`` at any time and
reaps its own children synchronously. Every context of a process uses this
mode, as libxl requires.
"""

from __future__ import annotations

import contextlib
import ctypes
import time
from collections.abc import Iterator
from types import TracebackType
from typing import Any, Callable, TypeVar

from ._config import DomainConfig
from ._errors import (
    ERROR_CODES,
    ContextUnavailable,
    DomainNotFound,
    InvalidArgument,
    JsonConfigEmpty,
    LibxlError,
)
from ._events import wait_event
from ._host import dom0_problem
from ._layouts import BITMAP, CHILDPROC_HOOKS, DOMINFO, PHYSINFO, VERSION_INFO, struct_type
from ._loader import Library, get_library
from ._logger import Logger, LogLevel
from ._types import ConsoleType, DomainInfo, Event, PhysInfo, Trigger, VersionInfo

T = TypeVar("T")

LIBXL_VERSION = 0  # libxl.h: the only value libxl_ctx_alloc accepts
SIGCHLD_OWNER_LIBXL_ALWAYS_SELECTIVE_REAP = 3  # libxl_sigchld_owner, libxl_event.h
DOMID_FIRST_RESERVED = 0x7FF0  # domids from here on are never real domains
INVALID_DOMID = 0xFFFFFFFF  # libxl.h: ~0; stays in the out-parameter if no domain was made
_STRUCT_BUFFER_BYTES = 1024  # room for libxl_dominfo/physinfo of any release
_RETRY_INTERVAL = 0.1
_LIBXL_JSON = "libxl-json"  # the userdata where libxl keeps a domain's configuration


class DeathWatch:
    """An enabled ``libxl_evgen_domain_death``; produces DOMAIN_SHUTDOWN/DEATH events."""

    def __init__(self, context: Context, domid: int, handle: ctypes.c_void_p) -> None:
        self.context = context
        self.domid = domid
        self._handle: ctypes.c_void_p | None = handle

    def close(self) -> None:
        if self._handle is not None:
            self.context._disable_watch(self, self._handle)
            self._handle = None

    def __enter__(self) -> DeathWatch:
        return self

    def __exit__(self, exc_type: type[BaseException] | None,
                 exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class Context:
    """An open ``libxl_ctx`` (use as a context manager, or call :meth:`close`).

    ``log_path``: file that receives libxl's log (appended); None keeps the log
    in a private temporary file. Either way the lines of a failed call are
    attached to the exception (``LibxlError.log``).
    """

    def __init__(self, log_path: str | None = None,
                 log_level: LogLevel = LogLevel.PROGRESS,
                 library: Library | None = None) -> None:
        self.library = library or get_library()
        self._version = self.library.version
        self._watches: set[DeathWatch] = set()
        self._ctx = ctypes.c_void_p()
        self._logger: Logger | None = Logger(self.library, log_path, log_level)
        try:
            self._call("libxl_ctx_alloc", ctypes.byref(self._ctx), LIBXL_VERSION, 0,
                       self._logger.handle)
        except LibxlError as e:
            self._logger.close()
            self._logger = None
            raise ContextUnavailable(e.function, e.code, dom0_problem(), e.log) from None
        # libxl keeps this pointer: it must live as long as the ctx.
        self._hooks = struct_type(CHILDPROC_HOOKS, self._version)(
            chldowner=SIGCHLD_OWNER_LIBXL_ALWAYS_SELECTIVE_REAP)
        self._call("libxl_childproc_setmode", self._ctx, ctypes.byref(self._hooks), None)

    # -- lifetime ---------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._logger is None

    def close(self) -> None:
        for watch in list(self._watches):
            watch.close()
        if self._ctx.value:
            self.library.func("libxl_ctx_free")(self._ctx)
            self._ctx = ctypes.c_void_p()
        if self._logger is not None:
            self._logger.close()
            self._logger = None

    def __enter__(self) -> Context:
        return self

    def __exit__(self, exc_type: type[BaseException] | None,
                 exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------

    @contextlib.contextmanager
    def _log_capture(self) -> Iterator[None]:
        if self._logger is None:
            raise ValueError("the libxl context is closed")
        logger = self._logger
        mark = logger.mark()
        try:
            yield
        except LibxlError as e:
            e.with_log(logger.lines_since(mark))
            raise

    def _call(self, name: str, *args: Any) -> Any:
        with self._log_capture():
            return self.library.func(name)(*args)

    def _take_string(self, ptr: int | None) -> str | None:
        """Copy a malloc'd ``char *`` that libxl handed over, then free it."""
        if not ptr:
            return None
        try:
            return ctypes.string_at(ptr).decode("utf-8", "replace")
        finally:
            self.library.func("free")(ptr)

    def _struct_buffer(self) -> Any:
        return (ctypes.c_uint64 * (_STRUCT_BUFFER_BYTES // 8))()

    # -- host -------------------------------------------------------------

    def version_info(self) -> VersionInfo:
        """The running hypervisor's version (owned by the ctx, never freed)."""
        ptr = self._call("libxl_get_version_info", self._ctx)
        layout = ctypes.POINTER(struct_type(VERSION_INFO, self._version))
        return VersionInfo.from_struct(ctypes.cast(ptr, layout).contents)

    def physinfo(self) -> PhysInfo:
        buf = self._struct_buffer()
        self._call("libxl_physinfo_init", buf)
        try:
            self._call("libxl_get_physinfo", self._ctx, buf)
            return PhysInfo.from_struct(struct_type(PHYSINFO, self._version).from_buffer(buf))
        finally:
            self._call("libxl_physinfo_dispose", buf)

    # -- domains: list, info, names ---------------------------------------

    def list_domains(self) -> list[DomainInfo]:
        """All domains, Domain-0 included, in domid order."""
        count = ctypes.c_int()
        ptr = self._call("libxl_list_domain", self._ctx, ctypes.byref(count))
        try:
            array = ctypes.cast(ptr, ctypes.POINTER(struct_type(DOMINFO, self._version)))
            return [DomainInfo.from_struct(array[i]) for i in range(count.value)]
        finally:
            self._call("libxl_dominfo_list_free", ptr, count)

    @contextlib.contextmanager
    def _dominfo(self, domid: int) -> Iterator[Any]:
        buf = self._struct_buffer()
        self._call("libxl_dominfo_init", buf)
        try:
            self._call("libxl_domain_info", self._ctx, buf, domid)
            yield buf
        finally:
            self._call("libxl_dominfo_dispose", buf)

    def domain_info(self, domid: int) -> DomainInfo:
        """Raises DomainNotFound for an unknown domid."""
        with self._dominfo(domid) as buf:
            return DomainInfo.from_struct(struct_type(DOMINFO, self._version).from_buffer(buf))

    def dominfo_json(self, domid: int) -> str:
        """libxl's own JSON of the domain's ``libxl_dominfo`` (default values omitted)."""
        with self._dominfo(domid) as buf:
            return self._take_string(self._call("libxl_dominfo_to_json", self._ctx, buf)) or ""

    def domid_by_name(self, name: str) -> int:
        """Raises DomainNotFound if no domain has that name."""
        domid = ctypes.c_uint32()
        try:
            self._call("libxl_name_to_domid", self._ctx, name.encode(), ctypes.byref(domid))
        except InvalidArgument as e:  # libxl's answer for an unknown name
            raise DomainNotFound(e.function, e.code, e.log) from None
        return domid.value

    def domain_name(self, domid: int) -> str | None:
        """The domain's name, or None if there is no such domain."""
        return self._take_string(self._call("libxl_domid_to_name", self._ctx, domid))

    # -- domain configuration --------------------------------------------

    def _domain_config(self) -> DomainConfig:
        return DomainConfig(self._call, self._ctx)

    def normalize_config_json(self, config_json: str) -> str:
        """Parse libxl JSON with libxl and print it back (checks it; creates nothing)."""
        with self._domain_config() as cfg:
            cfg.load_json(config_json)
            return self._take_string(cfg.to_json_pointer()) or ""

    def domain_config_json(self, domid: int) -> str:
        """The stored configuration of a running domain, as libxl JSON.

        Raises JsonConfigEmpty for domains without ``libxl-json`` userdata
        (domains of other toolstacks, stubdoms).
        """
        with self._domain_config() as cfg:
            try:
                cfg.retrieve(domid)
            except LibxlError as e:
                # libxl_retrieve_domain_configuration turns the internal
                # ERROR_JSON_CONFIG_EMPTY into ERROR_FAIL (Xen 4.17
                # libxl_domain.c), so look for the userdata that is missing.
                if isinstance(e, JsonConfigEmpty) or not self._lacks_userdata(domid, _LIBXL_JSON):
                    raise
                raise JsonConfigEmpty(e.function, ERROR_CODES["ERROR_JSON_CONFIG_EMPTY"],
                                      e.log) from None
            return self._take_string(cfg.to_json_pointer()) or ""

    def _lacks_userdata(self, domid: int, userid: str) -> bool:
        try:
            return self.userdata_retrieve(domid, userid) is None
        except LibxlError:
            return False

    # -- lifecycle --------------------------------------------------------

    def create_domain(self, config_json: str, paused: bool = False) -> int:
        """Create a domain from libxl JSON; unpause it unless ``paused``. Returns its domid.

        libxl does not generate ``c_info.uuid``: the JSON should carry one.
        On failure no domain is left behind.
        """
        domid = ctypes.c_uint32(INVALID_DOMID)
        with self._domain_config() as cfg:
            cfg.load_json(config_json)
            try:
                self._call("libxl_domain_create_new", self._ctx, cfg.buffer,
                           ctypes.byref(domid), None, None)
            except LibxlError:
                # libxl destroys a failed domain itself except after
                # ERROR_ABORTED, which leaves it half-created.
                self._destroy_leftover(domid.value)
                raise
        if not paused:
            try:
                self.unpause_domain(domid.value)
            except LibxlError:
                self._destroy_leftover(domid.value)
                raise
        return domid.value

    def _destroy_leftover(self, domid: int) -> None:
        if 0 < domid < DOMID_FIRST_RESERVED:
            # The original error is the one to report; a failed cleanup is
            # in the log attached to it.
            with contextlib.suppress(LibxlError):
                self.destroy_domain(domid)

    def destroy_domain(self, domid: int) -> None:
        self._call("libxl_domain_destroy", self._ctx, domid, None)

    def pause_domain(self, domid: int) -> None:
        self._call("libxl_domain_pause", self._ctx, domid, None)

    def unpause_domain(self, domid: int) -> None:
        self._call("libxl_domain_unpause", self._ctx, domid, None)

    def shutdown_domain(self, domid: int) -> None:
        """Ask the guest to power off; NoParavirt if it has no PV control interface."""
        self._call("libxl_domain_shutdown", self._ctx, domid, None)

    def reboot_domain(self, domid: int) -> None:
        """Ask the guest to reboot; NoParavirt if it has no PV control interface."""
        self._call("libxl_domain_reboot", self._ctx, domid, None)

    def send_trigger(self, domid: int, trigger: Trigger, vcpu: int = 0) -> None:
        """E.g. Trigger.POWER: the ACPI power button (HVM guests only)."""
        self._call("libxl_send_trigger", self._ctx, domid, int(trigger), vcpu, None)

    def rename_domain(self, domid: int, new_name: str) -> None:
        """Give a running domain another name (whatever its current one)."""
        self._call("libxl_domain_rename", self._ctx, domid, None, new_name.encode())

    def core_dump(self, domid: int, path: str) -> None:
        """Write the domain's memory image to ``path`` (the domain keeps running)."""
        self._call("libxl_domain_core_dump", self._ctx, domid, path.encode(), None)

    # -- memory and vcpus -------------------------------------------------

    def required_shadow_memory(self, max_memkb: int, vcpus: int) -> int:
        """The shadow memory (KiB) libxl reserves for a guest of this size."""
        return int(self._call("libxl_get_required_shadow_memory", max_memkb, vcpus))

    def set_memory_target(self, domid: int, target_kb: int, relative: bool = False,
                          enforce: bool = True) -> None:
        """Balloon target in KiB (``xl mem-set`` passes relative=0, enforce=1)."""
        self._call("libxl_set_memory_target", self._ctx, domid, target_kb, int(relative),
                   int(enforce))

    def set_max_memory(self, domid: int, max_kb: int) -> None:
        """Static maximum in KiB; libxl refuses values below the current target."""
        self._call("libxl_domain_setmaxmem", self._ctx, domid, max_kb)

    def set_vcpus_online(self, domid: int, count: int) -> None:
        """Make vcpus 0..count-1 available and the rest unavailable (``xl vcpu-set``)."""
        if count < 1:
            raise ValueError(f"a domain needs at least one vcpu, not {count}")
        bitmap = struct_type(BITMAP, self._version)()
        self._call("libxl_bitmap_init", ctypes.byref(bitmap))
        try:
            self._call("libxl_cpu_bitmap_alloc", self._ctx, ctypes.byref(bitmap), count)
            for vcpu in range(count):
                self._call("libxl_bitmap_set", ctypes.byref(bitmap), vcpu)
            self._call("libxl_set_vcpuonline", self._ctx, domid, ctypes.byref(bitmap), None)
        finally:
            self._call("libxl_bitmap_dispose", ctypes.byref(bitmap))

    # -- consoles ---------------------------------------------------------

    def _retry(self, attempt: Callable[[], T], wait: float) -> T:
        """``attempt()``, repeated for up to ``wait`` seconds while libxl fails.

        Before Xen 4.14 the console tty path can appear in xenstore only
        after domain creation has returned (LIBXL.md §14 #8).
        """
        deadline = time.monotonic() + wait
        while True:
            try:
                return attempt()
            except DomainNotFound:
                raise
            except LibxlError:
                if time.monotonic() >= deadline:
                    raise
            time.sleep(_RETRY_INTERVAL)

    def _tty(self, name: str, *args: Any) -> str:
        path = ctypes.c_void_p()
        self._call(name, self._ctx, *args, ctypes.byref(path))
        return self._take_string(path.value) or ""

    def console_tty(self, domid: int, cons_num: int = 0,
                    console_type: ConsoleType = ConsoleType.PV, wait: float = 0.0) -> str:
        """The pty of console ``cons_num`` (e.g. ``/dev/pts/3``)."""
        return self._retry(
            lambda: self._tty("libxl_console_get_tty", domid, cons_num, int(console_type)),
            wait)

    def primary_console_tty(self, domid: int, wait: float = 0.0) -> str:
        """The pty of the guest's main console (PV, serial or stubdom, as libxl decides)."""
        return self._retry(lambda: self._tty("libxl_primary_console_get_tty", domid), wait)

    # -- userdata ---------------------------------------------------------

    def userdata_store(self, domid: int, userid: str, data: bytes) -> None:
        if not data:
            raise ValueError("libxl deletes userdata stored with length 0; "
                             "use userdata_unlink to remove it")
        self._call("libxl_userdata_store", self._ctx, domid, userid.encode(), data, len(data))

    def userdata_retrieve(self, domid: int, userid: str) -> bytes | None:
        """The stored bytes, or None if the domain has no such userdata."""
        data = ctypes.c_void_p()
        length = ctypes.c_int()
        self._call("libxl_userdata_retrieve", self._ctx, domid, userid.encode(),
                   ctypes.byref(data), ctypes.byref(length))
        if not data.value:
            return None
        try:
            return ctypes.string_at(data.value, length.value)
        finally:
            self.library.func("free")(data.value)

    def userdata_unlink(self, domid: int, userid: str) -> None:
        self._call("libxl_userdata_unlink", self._ctx, domid, userid.encode())

    # -- events -----------------------------------------------------------

    def watch_domain_death(self, domid: int) -> DeathWatch:
        """Enable DOMAIN_SHUTDOWN/DOMAIN_DEATH events for ``domid`` (``for_user`` = domid).

        Close the watch (or the context) when done.
        """
        handle = ctypes.c_void_p()
        self._call("libxl_evenable_domain_death", self._ctx, domid, domid,
                   ctypes.byref(handle))
        watch = DeathWatch(self, domid, handle)
        self._watches.add(watch)
        return watch

    def _disable_watch(self, watch: DeathWatch, handle: ctypes.c_void_p) -> None:
        self._watches.discard(watch)
        self._call("libxl_evdisable_domain_death", self._ctx, handle)

    def wait_event(self, timeout: float | None = None) -> Event | None:
        """The next event of any enabled watch; None after ``timeout`` seconds."""
        with self._log_capture():
            return wait_event(self.library.func, self._ctx, self._version, timeout)
