"""Domain XML for the devices a Xen guest ignores but libvirt keeps (see
:class:`xenvirsh.model.domain.MiscDevices`): libvirt's parse and format
functions for each of them, in the order ``virDomainDefParseXML`` reads them."""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from xenvirsh import cnum
from xenvirsh.errors import ConfigUnsupported, InternalError, XenvirshError, XMLError
from xenvirsh.formats.domxml import props
from xenvirsh.formats.domxml.chardev import read_chr_source, write_chr_source
from xenvirsh.formats.domxml.devinfo import read_device_info, write_device_info
from xenvirsh.formats.domxml.disk import read_virtio_options, scaled_bytes, virtio_attrs
from xenvirsh.formats.domxml.props import Element, child_text, spec, text_of
from xenvirsh.formats.domxml.tuning import scaled_value
from xenvirsh.formats.domxml.xmlout import Out, escape, onoff, yesno
from xenvirsh.model import enums
from xenvirsh.model.domain import (
    IOMMU,
    RNG,
    TPM,
    Audio,
    AudioIO,
    ChrSource,
    Crypto,
    DeviceInfo,
    Filesystem,
    Hub,
    Lease,
    MiscDevices,
    Panic,
    Pstore,
    Redirdev,
    RedirFilterRule,
    Shmem,
    Smartcard,
    Vsock,
    Watchdog,
)
from xenvirsh.model.ids import parse_uuid

Attrs = List[Tuple[str, Optional[object]]]
_ULL = 2**64 - 1
_IOMMU_DRIVER = (
    spec("intremap", "onoff"), spec("caching_mode", "onoff"), spec("iotlb", "onoff"),
    spec("eim", "onoff"), spec("aw_bits", "uint"), spec("dma_translation", "onoff"),
)


# --- reading, in virDomainDefParseXML's order ----------------------------------


def read_leases(kids: props.ByTag) -> List[Lease]:
    return [_read_lease(node) for node in kids.get("lease", [])]


def read_filesystems(kids: props.ByTag) -> List[Filesystem]:
    return [_read_filesystem(node) for node in kids.get("filesystem", [])]


def read_smartcards(kids: props.ByTag) -> List[Smartcard]:
    return [_read_smartcard(node) for node in kids.get("smartcard", [])]


def read_audios(kids: props.ByTag) -> List[Audio]:
    return [_read_audio(node) for node in kids.get("audio", [])]


def read_watchdogs(kids: props.ByTag, misc: MiscDevices) -> None:
    misc.watchdogs = [_read_watchdog(node) for node in kids.get("watchdog", [])]


def read_after_balloon(kids: props.ByTag, misc: MiscDevices, usb_none: bool) -> None:
    misc.rngs = [_read_rng(node) for node in kids.get("rng", [])]
    misc.cryptos = [_read_crypto(node) for node in kids.get("crypto", [])]
    tpms = kids.get("tpm", [])
    if len(tpms) > 2:
        raise XMLError(
            "a maximum of two TPM devices is supported, one of them being a TPM Proxy device"
        )
    misc.tpms = [_read_tpm(node) for node in tpms]
    nvrams = kids.get("nvram", [])
    if len(nvrams) > 1:
        raise InternalError("only a single nvram device is supported")
    if nvrams:
        misc.nvram = read_device_info(nvrams[0])
    for node in kids.get("hub", []):
        hub = _read_hub(node)
        if hub.type == "usb" and usb_none:
            raise ConfigUnsupported("Can't add USB hub: USB is disabled for this domain")
        misc.hubs.append(hub)
    misc.redirdevs = [_read_redirdev(node) for node in kids.get("redirdev", [])]
    filters = kids.get("redirfilter", [])
    if len(filters) > 1:
        raise InternalError("only one set of redirection filter rule is supported")
    if filters:
        misc.redirfilter = [_read_usbdev(node) for node in filters[0].findall("usbdev")]
    misc.panics = [_read_panic(node) for node in kids.get("panic", [])]
    misc.shmems = [_read_shmem(node) for node in kids.get("shmem", [])]


def read_after_launch_security(kids: props.ByTag, misc: MiscDevices) -> None:
    misc.memories = [_read_memory(node) for node in kids.get("memory", [])]
    iommus = kids.get("iommu", [])
    if len(iommus) > 1:
        raise XMLError("only a single IOMMU device is supported")
    if iommus:
        misc.iommu = _read_iommu(iommus[0])
    vsocks = kids.get("vsock", [])
    if len(vsocks) > 1:
        raise XMLError("only a single vsock device is supported")
    if vsocks:
        misc.vsock = _read_vsock(vsocks[0])
    pstores = kids.get("pstore", [])
    if len(pstores) > 1:
        raise XMLError("only a single pstore device is supported")
    if pstores:
        misc.pstore = _read_pstore(pstores[0])


def _read_lease(node: Element) -> Lease:
    key = child_text(node, "key")
    if key is None:
        raise XMLError("Missing 'key' element for lease")
    lockspace = child_text(node, "lockspace")
    if lockspace is None:
        raise props.NoCause()
    target = node.find("target")
    if target is None:
        raise XMLError("Missing 'target' element for lease")
    path = target.get("path")
    if path is None:
        raise XMLError("Missing 'path' attribute to 'target' element for lease")
    offset = props.uint(target, "offset", bits=64) or 0
    return Lease(lockspace=lockspace, key=key, path=path, offset=offset)


def _read_filesystem(node: Element) -> Filesystem:
    fs = Filesystem()
    fs.type = props.enum(node, "type", enums.FS_TYPES) or "mount"
    accessmode = props.enum(node, "accessmode", enums.FS_ACCESS_MODES)
    fs.accessmode = accessmode or None
    for name in ("fmode", "dmode"):
        value = props.uint(node, name, base=8)
        if value is not None and value > 0o777:
            raise XMLError(f"invalid {name}: '0{value:o}'")
        setattr(fs, name, value or None)
    fs.model = props.enum(node, "model", enums.FS_MODELS, nonzero=True)
    multidevs = props.enum(node, "multidevs", enums.FS_MULTIDEVS)
    fs.multidevs = multidevs if multidevs != "default" else None
    for tag in ("space_hard_limit", "space_soft_limit"):
        el = node.find(tag)
        if el is not None:
            setattr(fs, tag, scaled_bytes(el, f"./{tag}[1]"))
    source = node.find("source")
    usage = units = socket = None
    if source is not None:
        socket = source.get("socket")
        attr = {"mount": "dir", "bind": "dir", "file": "file", "block": "dev",
                "template": "name"}.get(fs.type)
        if attr is not None:
            fs.source = source.get(attr)
        elif fs.type == "ram":
            usage, units = source.get("usage"), source.get("units")
    fs.target = _attr(node, "target", "dir")
    fs.readonly = node.find("readonly") is not None
    driver = node.find("driver")
    if driver is not None:
        _read_fs_driver(driver, fs)
    fs.socket = socket
    if fs.source is None and fs.type not in ("ram", "volume") and socket is None:
        raise XenvirshError(_no_source(fs.target))
    if fs.type == "ram":
        _read_ram_usage(fs, usage, units)
    fs.info = read_device_info(node, allow_boot=True)
    return fs


def _no_source(detail: Optional[str]) -> str:
    """VIR_ERR_NO_SOURCE, with or without the device it names."""
    return f"missing source information for device {detail}" if detail else \
        "missing source information for device"


def _read_fs_driver(driver: Element, fs: Filesystem) -> None:
    kind = props.enum(driver, "type", enums.FS_DRIVERS)
    fs.driver_type = kind if kind != "default" else None
    wrpolicy = props.enum(driver, "wrpolicy", enums.FS_WRPOLICIES)
    fs.driver_wrpolicy = wrpolicy if wrpolicy != "default" else None
    fmt = driver.get("format")
    if fmt is not None:
        if fmt not in enums.STORAGE_FORMATS or fmt == "none":
            raise ConfigUnsupported(f"unknown driver format value '{fmt}'")
        fs.driver_format = fmt
    fs.virtio = read_virtio_options(driver)


def _read_ram_usage(fs: Filesystem, usage: Optional[str], units: Optional[str]) -> None:
    if usage is None:
        raise XMLError("missing 'usage' attribute for RAM filesystem")
    value = cnum.to_ullong(usage)
    if value is None:
        raise XMLError(f"cannot parse usage '{usage}' for RAM filesystem")
    fs.usage_kib = scaled_value(str(value), units, "usage", limit=_ULL) // 1024
    fs.units = units


def _read_smartcard(node: Element) -> Smartcard:
    mode = props.enum(node, "mode", enums.SMARTCARD_MODES, required=True)
    assert mode is not None
    card = Smartcard(mode=mode)
    if mode == "host-certificates":
        certificates = node.findall("certificate")
        if len(certificates) != 3:
            raise XMLError("host-certificates mode needs exactly three certificates")
        card.certificates = [props.node_text(c) for c in certificates]
        if node.find("database") is not None:
            card.database = child_text(node, "database")
            if card.database is None:
                raise props.NoCause()
            if not card.database.startswith("/"):
                raise XMLError(f"expecting absolute path: {card.database}")
    elif mode == "passthrough":
        kind = node.get("type")
        if kind is None:
            raise XMLError("passthrough mode requires a character device type attribute")
        card.passthrough = _chr_source(kind, node, "unknown type presented to host for "
                                       f"character device: {kind}")
    card.info = read_device_info(node)
    return card


def _chr_source(kind: str, node: Element, unknown: str) -> ChrSource:
    if kind not in enums.CHR_TYPES:
        raise ConfigUnsupported(unknown)
    source = ChrSource(type=kind)
    read_chr_source(node, source)
    return source


def _read_audio(node: Element) -> Audio:
    """virDomainAudioDefParseXML."""
    kind = props.enum(node, "type", enums.AUDIO_TYPES, required=True)
    audio_id = props.uint(node, "id", required=True, nonzero=True)
    assert kind is not None and audio_id is not None
    audio = Audio(id=audio_id, type=kind)
    audio.timer_period = props.uint(node, "timerPeriod", nonzero=True) or 0
    input_el, output_el = node.find("input"), node.find("output")
    for io_el, io in ((input_el, audio.input), (output_el, audio.output)):
        if io_el is not None:
            _read_audio_common(io_el, io)
    specs = _AUDIO_BACKEND_SPECS.get(kind, ())
    if kind == "oss":
        audio.oss_try_mmap = props.tristate(node, "tryMMap")
        audio.oss_exclusive = props.tristate(node, "exclusive")
        audio.oss_dsp_policy = props.int_(node, "dspPolicy")
        if audio.oss_dsp_policy is not None and audio.oss_dsp_policy < 0:
            raise XMLError(f"cannot parse 'dspPolicy' value '{audio.oss_dsp_policy}'")
    elif kind == "pulseaudio":
        audio.server_name = node.get("serverName")
    elif kind == "sdl":
        audio.sdl_driver = props.enum(node, "driver", _SDL_DRIVERS, nonzero=True)
    elif kind == "file":
        audio.path = node.get("path")
    for io_el, io in ((input_el, audio.input), (output_el, audio.output)):
        if io_el is not None:
            props.read_attrs(io_el, io, specs)
    if kind == "pipewire":
        audio.runtime_dir = node.get("runtimeDir")
    return audio


_SDL_DRIVERS = ("", "esd", "alsa", "arts", "pulseaudio")
_AUDIO_FORMATS = ("", "u8", "s8", "u16", "s16", "u32", "s32", "f32")
# the <input>/<output> attributes of each backend, in libvirt's order
_AUDIO_BACKEND_SPECS = {
    "alsa": (spec("dev", "str"),),
    "coreaudio": (spec("bufferCount", "uint", field="buffer_count"),),
    "jack": (spec("serverName", "str", field="server_name"),
             spec("clientName", "str", field="client_name"),
             spec("connectPorts", "str", field="connect_ports"),
             spec("exactName", "yesno", field="exact_name")),
    "oss": (spec("dev", "str"), spec("bufferCount", "uint", field="buffer_count"),
            spec("tryPoll", "yesno", field="try_poll")),
    "pulseaudio": (spec("name", "str"), spec("streamName", "str", field="stream_name"),
                   spec("latency", "uint")),
    "sdl": (spec("bufferCount", "uint", field="buffer_count"),),
    "pipewire": (spec("name", "str"), spec("streamName", "str", field="stream_name"),
                 spec("latency", "uint+")),
}


def _read_audio_common(node: Element, io: AudioIO) -> None:
    """virDomainAudioCommonParse."""
    io.mixing_engine = props.tristate(node, "mixingEngine")
    io.fixed_settings = props.tristate(node, "fixedSettings")
    if io.fixed_settings and not io.mixing_engine:
        raise ConfigUnsupported("fixed audio settings requires mixing engine")
    io.voices = props.uint(node, "voices", nonzero=True) or 0
    io.buffer_length = props.uint(node, "bufferLength", nonzero=True) or 0
    settings = node.find("settings")
    if settings is not None:
        if not io.fixed_settings:
            raise ConfigUnsupported("audio settings specified without fixed settings flag")
        io.frequency = props.uint(settings, "frequency", nonzero=True) or 0
        io.channels = props.uint(settings, "channels", nonzero=True) or 0
        io.format = props.enum(settings, "format", _AUDIO_FORMATS, nonzero=True)


def _read_watchdog(node: Element) -> Watchdog:
    model = props.enum(node, "model", enums.WATCHDOG_MODELS, required=True)
    assert model is not None
    action = props.enum(node, "action", enums.WATCHDOG_ACTIONS) or "reset"
    return Watchdog(model=model, action=action, info=read_device_info(node))


def _read_rng(node: Element) -> RNG:
    model = props.enum(node, "model", enums.RNG_MODELS, required=True)
    assert model is not None
    rng = RNG(model=model)
    rate = node.find("rate")
    if rate is not None:
        rng.rate_bytes = _uint_or_fail(rate.get("bytes"), "invalid RNG rate bytes value")
        if rng.rate_bytes:
            rng.rate_period = _uint_or_fail(rate.get("period"), "invalid RNG rate period value")
    backends = node.findall("backend")
    if len(backends) != 1:
        raise XMLError("only one RNG backend is supported")
    backend = props.enum(backends[0], "model", enums.RNG_BACKENDS, required=True)
    assert backend is not None
    rng.backend = backend
    if backend == "random":
        rng.random_file = text_of(backends[0])
    elif backend == "egd":
        kind = backends[0].get("type")
        if kind is None:
            raise XMLError("missing EGD backend type")
        rng.egd = _chr_source(kind, backends[0], f"unknown backend type '{kind}' for egd")
    rng.info = read_device_info(node)
    rng.virtio = read_virtio_options(node.find("driver"))
    return rng


def _uint_or_fail(text: Optional[str], message: str) -> int:
    """virXPathUInt where only a malformed (not a missing) value is an error."""
    if not text:
        return 0
    value = cnum.to_uint(text, positive=True)
    if value is None:
        raise XMLError(message)
    return value


def _read_crypto(node: Element) -> Crypto:
    model = props.enum(node, "model", enums.CRYPTO_MODELS, required=True)
    kind = props.enum(node, "type", enums.CRYPTO_TYPES, required=True)
    backends = node.findall("backend")
    if len(backends) != 1:
        raise XMLError("only one crypto backend is supported")
    backend = props.enum(backends[0], "model", enums.CRYPTO_BACKENDS, required=True)
    assert model is not None and kind is not None and backend is not None
    crypto = Crypto(model=model, type=kind, backend=backend)
    crypto.queues = props.uint(backends[0], "queues") or 0
    crypto.info = read_device_info(node)
    crypto.virtio = read_virtio_options(node.find("driver"))
    return crypto


def _read_tpm(node: Element) -> TPM:
    tpm = TPM(model=props.enum(node, "model", enums.TPM_MODELS, nonzero=True))
    backends = node.findall("backend")
    if len(backends) > 1:
        raise XMLError("only one TPM backend is supported")
    if not backends:
        raise XMLError("missing TPM device backend")
    backend = backends[0]
    kind = props.enum(backend, "type", enums.TPM_BACKENDS, required=True)
    assert kind is not None
    tpm.backend = kind
    if kind == "passthrough":
        tpm.device_path = _attr(backend, "device", "path") or "/dev/tpm0"
    elif kind == "emulator":
        _read_tpm_emulator(backend, tpm)
    else:
        source_type = _attr(backend, "source", "type")
        if source_type is None:
            raise XMLError("missing external TPM backend source type")
        tpm.external = _chr_source(source_type, backend, "unknown backend source type "
                                   f"'{source_type}' for external TPM")
    tpm.info = read_device_info(node)
    return tpm


def _read_tpm_emulator(backend: Element, tpm: TPM) -> None:
    tpm.version = props.enum(backend, "version", enums.TPM_VERSIONS, nonzero=True)
    tpm.debug = props.uint(backend, "debug") or 0
    secret = _attr(backend, "encryption", "secret")
    if secret is not None:
        tpm.secret = parse_uuid(secret)
        if tpm.secret is None:
            raise InternalError(f"Unable to parse secret uuid '{secret}'")
    source = backend.find("source")
    if source is not None:
        tpm.source_type = props.enum(source, "type", enums.TPM_SOURCE_TYPES, nonzero=True)
        tpm.source_path = source.get("path")
        if tpm.source_path is None:
            raise XMLError("missing TPM source path")
    persistent = backend.get("persistent_state")
    if persistent is not None:
        if persistent not in ("yes", "no"):
            raise InternalError("Invalid persistent_state value, either 'yes' or 'no'")
        tpm.persistent_state = persistent == "yes"
    banks = backend.find("active_pcr_banks")
    if banks is not None:
        for bank in banks.children():
            name = bank.tag
            if name not in enums.TPM_PCR_BANKS:
                raise ConfigUnsupported(f"Unsupported PCR banks '{name}'")
            if name not in tpm.pcr_banks:
                tpm.pcr_banks.append(name)
        tpm.pcr_banks.sort(key=enums.TPM_PCR_BANKS.index)
    profile = backend.find("profile")
    if profile is not None:
        tpm.profile_source = profile.get("source")
        tpm.profile_name = profile.get("name")
        tpm.profile_remove_disabled = props.enum(profile, "removeDisabled",
                                                 enums.TPM_PROFILE_REMOVE_DISABLED,
                                                 nonzero=True)


def _read_hub(node: Element) -> Hub:
    kind = node.get("type")
    if kind is None:
        raise InternalError("missing hub device type")
    if kind not in enums.HUB_TYPES:
        raise ConfigUnsupported(f"unknown hub device type '{kind}'")
    return Hub(type=kind, info=read_device_info(node))


def _read_redirdev(node: Element) -> Redirdev:
    bus = node.get("bus")
    if bus is not None and bus not in enums.REDIRDEV_BUSES:
        raise ConfigUnsupported(f"unknown redirdev bus '{bus}'")
    kind = node.get("type")
    if kind is None:
        raise InternalError("missing type in redirdev")
    source = _chr_source(kind, node, f"unknown redirdev character device type '{kind}'")
    if kind == "dbus" and source.channel is None:
        source.channel = "org.qemu.usbredir"
    redirdev = Redirdev(bus=bus or "usb", source=source)
    redirdev.info = read_device_info(node, allow_boot=True)
    if redirdev.bus == "usb" and redirdev.info.address_type not in (None, "usb"):
        raise XMLError("Invalid address for a USB device")
    return redirdev


def _read_usbdev(node: Element) -> RedirFilterRule:
    rule = RedirFilterRule()
    usb_class = props.int_(node, "class", base=0)
    rule.usb_class = -1 if usb_class is None else usb_class
    if rule.usb_class != -1 and rule.usb_class & ~0xFF:
        raise InternalError(f"Invalid USB Class code {rule.usb_class & 0xFFFFFFFF:#x}")
    vendor = props.int_(node, "vendor", base=0)
    product = props.int_(node, "product", base=0)
    rule.vendor = -1 if vendor is None else vendor
    rule.product = -1 if product is None else product
    version = node.get("version")
    if version is not None and version != "-1":
        rule.version = _usb_version(version)
    allow = props.tristate(node, "allow", required=True)
    rule.allow = allow is True
    return rule


def _usb_version(text: str) -> int:
    """virDomainRedirFilterUSBVersionHelper: "JJ.MM" as BCD."""
    major_text, dot, minor_text = text.partition(".")
    major = cnum.to_uint(major_text) if dot else None
    minor = cnum.to_uint(minor_text) if dot else None
    if major is None or minor is None or major >= 100 or minor >= 100:
        raise XMLError(f"Cannot parse USB device version {text}")
    if len(minor_text) == 1:
        minor *= 10  # "2.1" means 2.10
    return (major // 10) << 12 | (major % 10) << 8 | (minor // 10) << 4 | minor % 10


def _read_panic(node: Element) -> Panic:
    info = read_device_info(node)
    model = node.get("model")
    if model is not None and model not in enums.PANIC_MODELS:
        raise ConfigUnsupported(f"unknown panic model '{model}'")
    return Panic(model=model if model != "default" else None, info=info)


def _read_shmem(node: Element) -> Shmem:
    model = "ivshmem"
    model_el = node.find("model")
    if model_el is not None:
        model = props.enum(model_el, "type", enums.SHMEM_MODELS) or "ivshmem"
    name = node.get("name")
    if name is None:
        raise XMLError("shmem element must contain 'name' attribute")
    shmem = Shmem(name=name, model=model)
    if model != "ivshmem":
        shmem.role = props.enum(node, "role", enums.SHMEM_ROLES, nonzero=True)
    size = node.find("size")
    if size is not None:
        shmem.size_bytes = scaled_bytes(size, "./size[1]")
    server = node.find("server")
    if server is not None:
        shmem.server = True
        path = server.get("path")
        shmem.server_path = props.sanitize_path(path) if path is not None else None
    msi = node.find("msi")
    if msi is not None:
        shmem.msi = True
        shmem.msi_vectors = props.uint(msi, "vectors", base=0) or 0
        shmem.msi_ioeventfd = props.switch(msi, "ioeventfd")
    if shmem.msi and not shmem.server:
        raise XMLError("msi option is only supported with a server")
    shmem.info = read_device_info(node)
    return shmem


def _read_memory(node: Element) -> Tuple[str, DeviceInfo]:
    model = props.enum(node, "model", enums.MEMORY_MODELS, required=True, nonzero=True)
    props.enum(node, "access", enums.MEMORY_ACCESS, nonzero=True)
    props.tristate(node, "discard")
    if node.find("target") is None:
        raise XMLError("missing <target> element for <memory> device")
    assert model is not None
    return model, read_device_info(node)


def _read_iommu(node: Element) -> IOMMU:
    model = props.enum(node, "model", enums.IOMMU_MODELS, required=True)
    assert model is not None
    iommu = IOMMU(model=model)
    driver = node.find("driver")
    if driver is not None:
        props.read_attrs(driver, iommu, _IOMMU_DRIVER)
    iommu.info = read_device_info(node)
    return iommu


def _read_vsock(node: Element) -> Vsock:
    model = props.enum(node, "model", enums.VSOCK_MODELS)
    vsock = Vsock(model=model if model != "default" else None)
    cid = node.find("cid")
    if cid is not None:
        vsock.cid = props.uint(cid, "address", nonzero=True) or 0
        vsock.auto_cid = props.tristate(cid, "auto")
    vsock.info = read_device_info(node)
    vsock.virtio = read_virtio_options(node.find("driver"))
    return vsock


def _read_pstore(node: Element) -> Pstore:
    backend = props.enum(node, "backend", enums.PSTORE_BACKENDS, required=True)
    assert backend is not None
    pstore = Pstore(backend=backend, path=child_text(node, "path"))
    size = node.find("size")
    value = scaled_value(text_of(size) if size is not None else None,
                         size.get("unit") if size is not None else None, "./size",
                         required=True)
    kib = -(-value // 1024)
    if kib >= -(-(2**63 - 1) // 1024):
        raise XenvirshError("numerical overflow: size value too large")
    pstore.size_kib = kib
    pstore.info = read_device_info(node)
    return pstore


def _attr(node: Element, path: str, attr: str) -> Optional[str]:
    child = node.find(path)
    return child.get(attr) or None if child is not None else None


# --- writing -----------------------------------------------------------------------


def write_leases(out: Out, misc: MiscDevices) -> None:
    for lease in misc.leases:
        out.open("lease")
        out.text_element("lockspace", lease.lockspace)
        out.text_element("key", lease.key)
        out.empty("target", [("path", lease.path), ("offset", lease.offset or None)])
        out.close("lease")


def write_filesystems(out: Out, misc: MiscDevices) -> None:
    for fs in misc.filesystems:
        out.open("filesystem", [
            ("type", fs.type), ("accessmode", fs.accessmode), ("model", fs.model),
            ("multidevs", fs.multidevs),
            ("fmode", f"{fs.fmode:04o}" if fs.fmode else None),
            ("dmode", f"{fs.dmode:04o}" if fs.dmode else None),
        ])
        attrs: Attrs = []
        if fs.driver_type is not None:
            attrs = [("type", fs.driver_type), ("format", fs.driver_format),
                     ("wrpolicy", fs.driver_wrpolicy), ("queue", fs.driver_queue or None)]
        out.empty("driver", attrs + virtio_attrs(fs.virtio))
        if fs.type == "ram":
            out.empty("source", [("usage", fs.usage_kib), ("units", "KiB")])
        else:
            attr = {"mount": "dir", "bind": "dir", "block": "dev", "file": "file",
                    "template": "name"}.get(fs.type)
            if fs.socket is not None and fs.type in ("mount", "bind"):
                out.empty("source", [("socket", fs.socket)])
            elif attr is not None:
                out.empty("source", [(attr, fs.source)])
        out.empty("target", [("dir", fs.target)])
        if fs.readonly:
            out.line("<readonly/>")
        write_device_info(out, fs.info, allow_boot=True)
        bytes_ = [("unit", "bytes")]
        out.text_element("space_hard_limit", fs.space_hard_limit or None, bytes_)
        out.text_element("space_soft_limit", fs.space_soft_limit or None, bytes_)
        out.close("filesystem")


def write_smartcards(out: Out, misc: MiscDevices, *, inactive: bool) -> None:
    for card in misc.smartcards:
        children = Out()
        for certificate in card.certificates:
            children.text_element("certificate", certificate)
        children.text_element("database", card.database)
        attrs: Attrs = [("mode", card.mode)]
        if card.passthrough is not None:
            write_chr_source(children, card.passthrough, inactive=inactive)
            attrs.append(("type", card.passthrough.type))
        write_device_info(children, card.info)
        out.element("smartcard", attrs, children)


def write_tpms(out: Out, misc: MiscDevices) -> None:
    for tpm in misc.tpms:
        backend = Out()
        attrs: Attrs = [("type", tpm.backend)]
        if tpm.backend == "passthrough":
            backend.empty("device", [("path", tpm.device_path)])
        elif tpm.backend == "emulator":
            attrs += [("version", tpm.version),
                      ("persistent_state", "yes" if tpm.persistent_state else None),
                      ("debug", tpm.debug or None)]
            backend.empty("encryption", [("secret", tpm.secret)])
            if tpm.pcr_banks:
                backend.open("active_pcr_banks")
                for bank in tpm.pcr_banks:
                    backend.line(f"<{bank}/>")
                backend.close("active_pcr_banks")
            if tpm.source_type is not None:
                backend.empty("source", [("type", tpm.source_type), ("path", tpm.source_path)])
            if tpm.profile_source or tpm.profile_name:
                backend.empty("profile", [("source", tpm.profile_source),
                                          ("removeDisabled", tpm.profile_remove_disabled),
                                          ("name", tpm.profile_name)])
        elif tpm.external is not None and tpm.external.type == "unix":
            backend.empty("source", [("type", "unix"), ("mode", "connect"),
                                     ("path", tpm.external.path)], always=True)
        children = Out()
        children.element("backend", attrs, backend)
        write_device_info(children, tpm.info)
        out.element("tpm", [("model", tpm.model)], children)


def write_audios(out: Out, misc: MiscDevices) -> None:
    """virDomainAudioDefFormat."""
    for audio in misc.audios:
        attrs: Attrs = [("id", audio.id), ("type", audio.type),
                        ("timerPeriod", audio.timer_period or None)]
        if audio.type == "oss":
            attrs += [("tryMMap", yesno(audio.oss_try_mmap)),
                      ("exclusive", yesno(audio.oss_exclusive)),
                      ("dspPolicy", audio.oss_dsp_policy)]
        attrs += [("serverName", audio.server_name), ("driver", audio.sdl_driver),
                  ("path", audio.path)]
        specs = _AUDIO_BACKEND_SPECS.get(audio.type, ())
        children = Out()
        for tag, io in (("input", audio.input), ("output", audio.output)):
            _write_audio_io(children, tag, io, specs)
        attrs.append(("runtimeDir", audio.runtime_dir))
        out.element("audio", attrs, children)


def _write_audio_io(out: Out, tag: str, io: AudioIO, specs: Sequence[props.AttrSpec]) -> None:
    backend = [(name, value or None) for name, value in props.attr_values(io, specs)]
    attrs: Attrs = [("mixingEngine", yesno(io.mixing_engine)),
                    ("fixedSettings", yesno(io.fixed_settings)),
                    ("voices", io.voices or None), ("bufferLength", io.buffer_length or None)]
    if not any(value is not None for _name, value in attrs + backend):
        return
    children = Out()
    if io.fixed_settings:
        children.empty("settings", [("frequency", io.frequency or None),
                                    ("channels", io.channels or None),
                                    ("format", io.format)], always=True)
    out.element(tag, attrs + backend, children)


def write_after_hostdevs(out: Out, misc: MiscDevices, *, inactive: bool) -> None:
    """redirdevs, redirfilter, hubs and watchdogs (the balloon follows)."""
    for redirdev in misc.redirdevs:
        out.open("redirdev", [("bus", redirdev.bus), ("type", redirdev.source.type)])
        write_chr_source(out, redirdev.source, inactive=inactive)
        write_device_info(out, redirdev.info, allow_boot=True)
        out.close("redirdev")
    if misc.redirfilter:
        out.open("redirfilter")
        for rule in misc.redirfilter:
            out.empty("usbdev", [
                ("class", f"0x{rule.usb_class:02X}" if rule.usb_class >= 0 else None),
                ("vendor", f"0x{rule.vendor:04X}" if rule.vendor >= 0 else None),
                ("product", f"0x{rule.product:04X}" if rule.product >= 0 else None),
                ("version", _format_usb_version(rule.version) if rule.version >= 0 else None),
                ("allow", yesno(rule.allow)),
            ])
        out.close("redirfilter")
    for hub in misc.hubs:
        children = Out()
        write_device_info(children, hub.info)
        out.element("hub", [("type", hub.type)], children)
    for watchdog in misc.watchdogs:
        children = Out()
        write_device_info(children, watchdog.info)
        out.element("watchdog", [("model", watchdog.model), ("action", watchdog.action)],
                    children)


def _format_usb_version(version: int) -> str:
    major = ((version & 0xF000) >> 12) * 10 + ((version & 0x0F00) >> 8)
    minor = ((version & 0x00F0) >> 4) * 10 + (version & 0x000F)
    return f"{major}.{minor:02d}"


def write_after_balloon(out: Out, misc: MiscDevices, *, inactive: bool) -> None:
    """rngs, nvram, panics, shmems, memory, crypto, iommu, vsock, pstore."""
    for rng in misc.rngs:
        _write_rng(out, rng, inactive=inactive)
    if misc.nvram is not None:
        out.open("nvram")
        write_device_info(out, misc.nvram)
        out.close("nvram")
    for panic in misc.panics:
        children = Out()
        write_device_info(children, panic.info)
        out.element("panic", [("model", panic.model)], children)
    for shmem in misc.shmems:
        _write_shmem(out, shmem)
    for crypto in misc.cryptos:
        children = Out()
        children.empty("backend", [("model", crypto.backend), ("queues", crypto.queues or None)])
        children.empty("driver", virtio_attrs(crypto.virtio))
        write_device_info(children, crypto.info)
        out.element("crypto", [("model", crypto.model), ("type", crypto.type)], children)
    if misc.iommu is not None:
        iommu = misc.iommu
        children = Out()
        children.empty("driver", [
            ("intremap", onoff(iommu.intremap)), ("caching_mode", onoff(iommu.caching_mode)),
            ("eim", onoff(iommu.eim)), ("iotlb", onoff(iommu.iotlb)),
            ("aw_bits", iommu.aw_bits or None), ("dma_translation", onoff(iommu.dma_translation)),
        ])
        write_device_info(children, iommu.info)
        out.element("iommu", [("model", iommu.model)], children)
    if misc.vsock is not None:
        vsock = misc.vsock
        children = Out()
        children.empty("cid", [("auto", yesno(vsock.auto_cid)), ("address", vsock.cid or None)])
        write_device_info(children, vsock.info)
        children.empty("driver", virtio_attrs(vsock.virtio))
        out.element("vsock", [("model", vsock.model)], children)
    if misc.pstore is not None:
        pstore = misc.pstore
        out.open("pstore", [("backend", pstore.backend)])
        out.line(f"<path>{pstore.path or '(null)'}</path>")
        out.text_element("size", pstore.size_kib, [("unit", "KiB")])
        write_device_info(out, pstore.info)
        out.close("pstore")


def _write_rng(out: Out, rng: RNG, *, inactive: bool) -> None:
    out.open("rng", [("model", rng.model)])
    if rng.rate_bytes:
        out.empty("rate", [("bytes", rng.rate_bytes), ("period", rng.rate_period or None)])
    if rng.backend == "random":
        out.line(f"<backend model='random'>{escape(rng.random_file or '')}</backend>")
    elif rng.backend == "egd" and rng.egd is not None:
        out.open("backend", [("model", "egd"), ("type", rng.egd.type)])
        write_chr_source(out, rng.egd, inactive=inactive)
        out.close("backend")
    else:
        out.empty("backend", [("model", rng.backend)])
    out.empty("driver", virtio_attrs(rng.virtio))
    write_device_info(out, rng.info)
    out.close("rng")


def _write_shmem(out: Out, shmem: Shmem) -> None:
    out.open("shmem", [("name", shmem.name), ("role", shmem.role)])
    out.empty("model", [("type", shmem.model)])
    if shmem.size_bytes:
        out.text_element("size", shmem.size_bytes >> 20, [("unit", "M")])
    if shmem.server:
        out.empty("server", [("path", shmem.server_path)], always=True)
    if shmem.msi:
        out.empty("msi", [("vectors", shmem.msi_vectors or None),
                          ("ioeventfd", onoff(shmem.msi_ioeventfd))], always=True)
    write_device_info(out, shmem.info)
    out.close("shmem")
