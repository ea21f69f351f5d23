"""``<disk>`` in domain XML: libvirt's ``virDomainDiskDefParseXML`` and
``virDomainDiskDefFormat`` for an inactive definition."""

from __future__ import annotations

from typing import List, Optional, Tuple

from xenvirsh import cnum
from xenvirsh.errors import (
    ConfigUnsupported,
    InvalidArgument,
    XMLError,
    XMLParseError,
)
from xenvirsh.formats.domxml import props
from xenvirsh.formats.domxml.devinfo import (
    pci_attrs,
    read_device_info,
    read_pci_address,
    write_device_info,
)
from xenvirsh.formats.domxml.props import Element, child_text, spec, text_of
from xenvirsh.formats.domxml.tuning import scaled_value
from xenvirsh.formats.domxml.xmlout import Out, onoff, yesno
from xenvirsh.model import enums
from xenvirsh.model.domain import (
    DeviceSecLabel,
    Disk,
    DiskAuth,
    DiskDriverExtras,
    DiskEncryption,
    DiskSourceExtras,
    IOThreadMapping,
    NetHost,
    NVMeSource,
    Reconnect,
    VirtioOptions,
)
from xenvirsh.model.ids import parse_uuid
from xenvirsh.model.placement import assign_default_ports

VIRTIO_OPTIONS = (
    spec("iommu", "onoff"), spec("ats", "onoff"), spec("packed", "onoff"),
    spec("page_per_vq", "onoff"),
)
# <driver> attributes after name, cache and format, in libvirt's parse order
_DRIVER_PARSE = (
    spec("error_policy", "enum", enums.DISK_ERROR_POLICIES),
    spec("rerror_policy", "enum", enums.DISK_ERROR_POLICIES),
)
_DRIVER_PARSE2 = (
    spec("ioeventfd", "onoff"), spec("event_idx", "onoff"), spec("copy_on_read", "onoff"),
)
_DRIVER_PARSE3 = (
    spec("detect_zeroes", "enum", enums.DISK_DETECT_ZEROES),
    spec("queues", "uint"), spec("queue_size", "uint"), spec("discard_no_unref", "onoff"),
)
_TARGET = (
    spec("removable", "onoff"), spec("rotation_rate", "uint"),
)
_GEOMETRY = (
    spec("cyls", "uint"), spec("heads", "uint"), spec("secs", "uint"),
    spec("trans", "enum", enums.DISK_GEOMETRY_TRANS),
)
_BLOCKIO = (
    spec("logical_block_size", "uint"), spec("physical_block_size", "uint"),
    spec("discard_granularity", "uint"),
)
IOTUNE_FIELDS = (
    "total_bytes_sec", "read_bytes_sec", "write_bytes_sec", "total_iops_sec",
    "read_iops_sec", "write_iops_sec", "total_bytes_sec_max", "read_bytes_sec_max",
    "write_bytes_sec_max", "total_iops_sec_max", "read_iops_sec_max", "write_iops_sec_max",
    "size_iops_sec", "total_bytes_sec_max_length", "read_bytes_sec_max_length",
    "write_bytes_sec_max_length", "total_iops_sec_max_length", "read_iops_sec_max_length",
    "write_iops_sec_max_length",
)
_SECLABEL_LABEL_MAX = 4096


def read_virtio_options(driver: Optional[Element]) -> VirtioOptions:
    options = VirtioOptions()
    if driver is not None:
        props.read_attrs(driver, options, VIRTIO_OPTIONS)
    return options


def read_iothread_mappings(driver: Element) -> List[IOThreadMapping]:
    """virDomainIothreadMappingDefParse: ``<iothreads><iothread id><queue id>``."""
    iothreads = driver.find("iothreads")
    if iothreads is None:
        return []
    mappings = []
    for thread in iothreads.findall("iothread"):
        thread_id = props.uint(thread, "id", required=True)
        assert thread_id is not None
        queues = [props.uint(queue, "id", required=True) or 0
                  for queue in thread.findall("queue")]
        mappings.append(IOThreadMapping(thread_id, queues))
    return mappings


def write_iothread_mappings(out: Out, mappings: List[IOThreadMapping]) -> None:
    if not mappings:
        return
    out.open("iothreads")
    for mapping in mappings:
        children = Out()
        for queue in mapping.queues:
            children.empty("queue", [("id", queue)])
        out.element("iothread", [("id", mapping.id)], children, always=True)
    out.close("iothreads")


def virtio_attrs(options: VirtioOptions) -> List[Tuple[str, Optional[object]]]:
    return props.attr_values(options, VIRTIO_OPTIONS)


# --- reading ----------------------------------------------------------------------


def read_disk(el: Element) -> Disk:
    disk = Disk()
    kids = props.first_children(el, _DISK_TAGS)
    disk.type = props.enum(el, "type", enums.STORAGE_TYPES, nonzero=True) or "file"
    source = kids.get("source")
    if source is not None:
        _read_source(source, disk)
    else:
        disk.type = "file"
    disk.readonly = kids.get("readonly") is not None
    disk.shareable = kids.get("shareable") is not None
    auth = kids.get("auth")
    if auth is not None:
        if disk.auth is not None:
            raise ConfigUnsupported("an <auth> definition already found for disk source")
        disk.auth = read_auth(auth)
        disk.auth_in_disk = True
    encryption = kids.get("encryption")
    if encryption is not None:
        if disk.encryption is not None:
            raise ConfigUnsupported(
                "an <encryption> definition already found for disk source")
        disk.encryption = read_encryption(encryption)
        disk.encryption_in_disk = True
    _read_backing_store(kids.get("backingStore"), disk)
    disk.device = props.enum(el, "device", enums.DISK_DEVICES) or "disk"
    model = props.enum(el, "model", enums.DISK_MODELS)
    disk.model = model if model != "default" else None
    disk.snapshot_location = props.enum(el, "snapshot", enums.SNAPSHOT_LOCATIONS, nonzero=True)
    disk.rawio = props.tristate(el, "rawio")
    disk.sgio = props.enum(el, "sgio", enums.DEVICE_SGIO, nonzero=True)
    if source is not None:
        disk.startup_policy = props.enum(
            source, "startupPolicy", enums.STARTUP_POLICIES, nonzero=True
        )
    target = kids.get("target")
    if target is not None:
        disk.dst = target.get("dev")
        disk.bus = props.enum(target, "bus", enums.DISK_BUSES, nonzero=True)
        disk.tray = props.enum(target, "tray", enums.DISK_TRAYS)
        props.read_attrs(target, disk.target, _TARGET)
    geometry = kids.get("geometry")
    if geometry is not None:
        props.read_attrs(geometry, disk.target, _GEOMETRY)
    blockio = kids.get("blockio")
    if blockio is not None:
        props.read_attrs(blockio, disk.target, _BLOCKIO)
    driver = kids.get("driver")
    if driver is not None:
        _read_driver(driver, disk)
    transient = kids.get("transient")
    if transient is not None:
        disk.transient = True
        disk.transient_share_backing = props.tristate(transient, "shareBacking")
    _read_iotune(kids.get("iotune"), disk)
    backend = kids.get("backenddomain")
    disk.backend_domain = backend.get("name") or None if backend is not None else None
    disk.serial = text_of(kids.get("serial"))
    disk.wwn = text_of(kids.get("wwn"))
    disk.vendor = text_of(kids.get("vendor"))
    disk.product = text_of(kids.get("product"))
    disk.info = read_device_info(el, allow_boot=True)
    return disk


_DISK_TAGS = frozenset((
    "source", "readonly", "shareable", "auth", "encryption", "backingStore", "target",
    "geometry", "blockio", "driver", "transient", "iotune", "backenddomain", "serial", "wwn",
    "vendor", "product",
))


def _read_driver(driver: Element, disk: Disk) -> None:
    extras = disk.driver_extras
    extras.virtio = read_virtio_options(driver)
    disk.driver_name = driver.get("name")
    cache = props.enum(driver, "cache", enums.DISK_CACHES)
    disk.cache = cache if cache != "default" else None
    props.read_attrs(driver, extras, _DRIVER_PARSE)
    if extras.rerror_policy == "enospace":
        raise ConfigUnsupported("Invalid disk read error policy: 'enospace'")
    disk.io = props.enum(driver, "io", enums.DISK_IO, nonzero=True)
    props.read_attrs(driver, extras, _DRIVER_PARSE2)
    disk.discard = props.enum(driver, "discard", enums.DISK_DISCARDS, nonzero=True)
    extras.iothread = props.uint(driver, "iothread", nonzero=True)
    extras.iothreads = read_iothread_mappings(driver)
    props.read_attrs(driver, extras, _DRIVER_PARSE3)
    fmt = driver.get("type")
    if fmt == "aio":
        disk.format = "raw"  # libvirt's Xen back-compat spelling of raw
    elif fmt is not None:
        if fmt not in enums.STORAGE_FORMATS or fmt == "none":
            raise ConfigUnsupported(f"unknown driver format value '{fmt}'")
        disk.format = fmt
    cache_size = driver.find("metadata_cache/max_size")
    if cache_size is not None:
        extras.metadata_cache_max = scaled_bytes(cache_size, "./metadata_cache/max_size")


def scaled_bytes(el: Element, what: str) -> int:
    """virParseScaledValue with a bytes default unit and no limit."""
    return scaled_value(text_of(el), el.get("unit"), what, limit=2**64 - 1, scale=1)


def _read_iotune(iotune: Optional[Element], disk: Disk) -> None:
    if iotune is None:
        return
    for name in IOTUNE_FIELDS:
        text = child_text(iotune, name)
        if text is None:
            continue
        value = cnum.to_ullong(text, positive=True)
        if value is None:
            raise XMLError(f"disk iotune field '{name}' must be an integer")
        disk.iotune[name] = value
    disk.iotune_group = child_text(iotune, "group_name")


def read_disk_source(source: Element, disk: Disk) -> None:
    """virDomainStorageSourceParse, for a source outside a <disk> (<nvram>)."""
    _read_source(source, disk)


def write_disk_source(out: Out, disk: Disk) -> None:
    _write_source(out, disk)


def _read_source(source: Element, disk: Disk) -> None:
    """virDomainStorageSourceParse for the disk's own source."""
    extras = disk.source_extras
    if disk.type == "file":
        disk.path = source.get("file")
        extras.fdgroup = source.get("fdgroup")
    elif disk.type == "block":
        disk.path = source.get("dev")
    elif disk.type == "dir":
        disk.path = source.get("dir")
    elif disk.type == "network":
        _read_network_source(source, disk)
    elif disk.type == "volume":
        _read_pool_source(source, extras)
    elif disk.type == "nvme":
        extras.nvme = _read_nvme(source)
    elif disk.type == "vhostuser":
        _read_vhostuser(source, extras)
    else:  # vhostvdpa
        extras.vdpa_dev = props.required(source, "dev")
    auth = source.find("auth")
    if auth is not None:
        disk.auth = read_auth(auth)
    encryption = source.find("encryption")
    if encryption is not None:
        disk.encryption = read_encryption(encryption)
    _read_slices(source, extras)
    extras.seclabels = read_device_seclabels(source)
    if disk.path == "":
        disk.path = None  # libvirt's compat for a bogus empty source path


def _read_pool_source(source: Element, extras: DiskSourceExtras) -> None:
    extras.pool = source.get("pool")
    extras.volume = source.get("volume")
    if extras.pool is None and extras.volume is None:
        return  # an empty CD-ROM or floppy
    if extras.pool is None or extras.volume is None:
        raise XMLError("'pool' and 'volume' must be specified together for 'pool' type source")
    extras.pool_mode = props.enum(source, "mode", enums.POOL_MODES, nonzero=True)


def _read_nvme(source: Element) -> NVMeSource:
    kind = source.get("type")
    if kind is None:
        raise XMLError("missing 'type' attribute to disk source")
    if kind != "pci":
        raise XMLError(f"unsupported source type '{kind}'")
    namespace = props.uint(source, "namespace", required=True, bits=64)
    assert namespace is not None
    nvme = NVMeSource(namespace=namespace, managed=props.tristate(source, "managed"))
    address = source.find("address")
    if address is None:
        raise XMLError("NVMe disk source is missing address")
    nvme.address = read_pci_address(address)
    return nvme


def _read_vhostuser(source: Element, extras: DiskSourceExtras) -> None:
    kind = source.get("type")
    path = source.get("path")
    if kind is None:
        raise XMLError("missing 'type' attribute for vhostuser disk source")
    if kind != "unix":
        raise XMLError("invalid 'type' attribute for vhostuser disk source")
    if path is None:
        raise XMLError("missing 'path' attribute for vhostuser disk source")
    extras.vhostuser_path = path
    extras.reconnect = read_reconnect(source)


def read_reconnect(el: Element) -> Reconnect:
    """virDomainChrSourceReconnectDefParseXML on the <reconnect> child of ``el``."""
    reconnect = Reconnect()
    node = el.find("reconnect")
    if node is not None:
        reconnect.enabled = props.tristate(node, "enabled")
        if reconnect.enabled:
            reconnect.timeout = props.uint(node, "timeout", required=True) or 0
    return reconnect


def _read_network_source(source: Element, disk: Disk) -> None:
    extras = disk.source_extras
    protocol = props.enum(source, "protocol", enums.NET_PROTOCOLS, required=True)
    disk.protocol = protocol
    disk.path = source.get("name")
    if disk.path is None and protocol != "nbd":
        raise XMLError("missing name for disk source")
    extras.tls = props.tristate(source, "tls")
    extras.tls_hostname = source.get("tlsHostname")
    if protocol == "nbd":
        reconnect = source.find("reconnect")
        if reconnect is not None:
            extras.reconnect_delay = props.uint(reconnect, "delay") or 0
    if disk.path and protocol in ("rbd", "gluster"):
        slash = disk.path.find("/")
        if slash <= 0:
            raise XMLError(f"can't split path '{disk.path}' into pool name and image name")
    disk.snapshot = _attr_text(source, "snapshot", "name")
    disk.config_file = _attr_text(source, "config", "file")
    if protocol in ("http", "https"):
        extras.query = source.get("query")
    disk.hosts = [read_net_host(h) for h in source.findall("host")]
    if protocol == "nfs":
        identity = source.find("identity")
        if identity is not None:
            extras.nfs_user = identity.get("user")
            extras.nfs_group = identity.get("group")
    extras.initiator_iqn = _attr_text(source, "initiator/iqn", "name")
    ssl = source.find("ssl")
    if protocol in ("https", "ftps") and ssl is not None:
        extras.ssl_verify = props.tristate(ssl, "verify")
    cookies = source.find("cookies")
    if protocol in ("http", "https") and cookies is not None:
        extras.cookies = _read_cookies(cookies)
    if protocol in ("http", "https", "ftp", "ftps"):
        readahead = _attr_text(source, "readahead", "size")
        timeout = _attr_text(source, "timeout", "seconds")
        sizes = [cnum.to_ullong(v, positive=True) if v is not None else 0
                 for v in (readahead, timeout)]
        if None in sizes:
            raise XMLError("invalid readahead size or timeout")
        extras.readahead, extras.timeout = (v or 0 for v in sizes)
    if protocol == "ssh":
        _read_ssh(source, extras)


def _read_cookies(node: Element) -> List[Tuple[str, str]]:
    cookies: List[Tuple[str, str]] = []
    for cookie in node.findall("cookie"):
        name = cookie.get("name") or None
        if name is None:
            raise XMLError("missing cookie name")
        value = props.text_of(cookie)
        if value is None:
            raise XMLError(f"missing value for cookie '{name}'")
        _check_cookie(name, value)
        cookies.append((name, value))
    for index, (name, _value) in enumerate(cookies):
        if any(other == name for other, _ in cookies[index + 1:]):
            raise XMLError(f"duplicate cookie '{name}'")
    return cookies


# RFC 6265: what cookie values may not contain, and what names may not either
_COOKIE_VALUE_BAD = frozenset([chr(c) for c in range(1, 32)] + [" ", '"', ",", ";", "\\"])
_COOKIE_NAME_BAD = _COOKIE_VALUE_BAD | frozenset("()<>@:/[]?={}")


def _check_cookie(name: str, value: str) -> None:
    """virStorageSourceNetCookieValidate."""
    if set(name) & _COOKIE_NAME_BAD:
        raise XMLError(f"cookie name '{name}' contains invalid characters")
    inner = value
    if value.startswith('"'):
        if not value.endswith('"'):
            raise XMLError(f"value of cookie '{name}' contains invalid characters")
        inner = value[1:-1]
    if set(inner) & _COOKIE_VALUE_BAD:
        raise XMLError(f"value of cookie '{name}' contains invalid characters")


def _read_ssh(source: Element, extras: DiskSourceExtras) -> None:
    known = source.find("knownHosts")
    if known is not None:
        extras.ssh_known_hosts = props.required(known, "path")
    identity = source.find("identity")
    if identity is not None:
        extras.ssh_user = props.required(identity, "username")
        extras.ssh_keyfile = identity.get("keyfile")
        extras.ssh_agent = identity.get("agentsock")
        if extras.ssh_keyfile is None and extras.ssh_agent is None:
            raise XMLError("element 'identity' requires either 'keyfile' or 'agentsock' attribute")


def _read_slices(source: Element, extras: DiskSourceExtras) -> None:
    node = next((s for s in source.findall("slices/slice") if s.get("type") == "storage"), None)
    if node is None:
        return
    offset, size = node.get("offset") or None, node.get("size") or None
    if offset is None or size is None:
        raise XMLError("missing offset or size attribute of slice")
    values = []
    for name, text in (("offset", offset), ("size", size)):
        value = cnum.to_ullong(text, positive=True)
        if value is None:
            raise XMLError(f"malformed value '{text}' of '{name}' attribute of slice")
        values.append(value)
    extras.slice = (values[0], values[1])


def read_device_seclabels(el: Element) -> List[DeviceSecLabel]:
    """virSecurityDeviceLabelDefParseXML for an inactive definition."""
    labels: List[DeviceSecLabel] = []
    for node in el.findall("seclabel"):
        label = DeviceSecLabel(model=node.get("model"))
        if label.model is not None and any(o.model == label.model for o in labels):
            raise XMLParseError(f"seclabel for model {label.model} is already provided")
        relabel = props.tristate(node, "relabel")
        label.relabel = True if relabel is None else relabel
        text = props.child_text(node, "label")
        if text is not None and len(text) <= _SECLABEL_LABEL_MAX:
            label.label = text
        model = label.model or "(null)"
        if label.label is not None and not label.relabel:
            raise XMLError(
                f"Cannot specify a label if relabelling is turned off. model={model}"
            )
        if relabel is not None and label.relabel and label.label is None:
            raise XMLError(f"Cannot specify relabel if label is missing. model={model}")
        labels.append(label)
    return labels


def read_net_host(el: Element) -> NetHost:
    """virDomainStorageNetworkParseHost (no fd transport)."""
    host = NetHost()
    host.transport = props.enum(el, "transport", enums.NET_HOST_TRANSPORTS)
    socket = el.get("socket")
    if host.transport == "unix":
        if socket is None:
            raise XMLError("missing socket for unix transport")
        host.socket = socket
        return host
    if host.transport == "fd":
        raise XMLError("transport 'fd' is now allowed")
    if socket is not None:
        raise XMLError(
            f"transport '{host.transport or 'tcp'}' does not support socket attribute"
        )
    port = el.get("port")
    if port is not None:
        number = cnum.to_uint(port, positive=True)
        if number is None:
            raise InvalidArgument(f"failed to parse port number '{port}'")
        if number > 65535:
            raise InvalidArgument(f"port '{port}' out of range")
        host.port = number or None
    host.name = el.get("name")
    if host.name is None:
        raise XMLError("missing name for host")
    return host


def read_auth(el: Element) -> DiskAuth:
    """virStorageAuthDefParse."""
    username = el.get("username") or None
    if username is None:
        raise XMLError("missing username for auth")
    auth = DiskAuth(username=username)
    auth_type = el.get("type") or None
    if auth_type is not None:
        if auth_type not in enums.STORAGE_AUTH_TYPES:
            raise ConfigUnsupported(f"unknown auth type '{auth_type}'")
        auth.auth_type = auth_type if auth_type != "none" else None
    secret = el.find("secret")
    if secret is None:
        raise XMLError("Missing <secret> element in auth")
    auth.secret_type = secret.get("type")
    uuid, usage = secret.get("uuid"), secret.get("usage")
    if uuid is None and usage is None:
        raise XMLError("missing secret uuid or usage attribute")
    if uuid is not None and usage is not None:
        raise XMLError("either secret uuid or usage expected")
    if uuid is not None:
        auth.secret_uuid = parse_uuid(uuid)
        if auth.secret_uuid is None:
            raise XMLError(f"invalid secret uuid '{uuid}'")
    auth.secret_usage = usage
    return auth


def read_encryption(el: Element) -> DiskEncryption:
    """virStorageEncryptionParseNode."""
    fmt = el.get("format") or None
    if fmt is None:
        raise XMLError("unknown volume encryption format")
    if fmt not in _ENCRYPTION_FORMATS:
        raise ConfigUnsupported(f"unknown volume encryption format type {fmt}")
    enc = DiskEncryption(format=fmt)
    enc.engine = props.enum(el, "engine", _ENCRYPTION_ENGINES, nonzero=True)
    for secret in el.findall("secret"):
        kind = secret.get("type") or None
        if kind is None:
            raise XMLError("unknown volume encryption secret type")
        if kind != "passphrase":
            raise ConfigUnsupported(f"unknown volume encryption secret type {kind}")
        enc.secrets.append(_secret_lookup(secret))
    if fmt == "luks":
        cipher = el.find("cipher")
        if cipher is not None:
            enc.cipher_name = cipher.get("name")
            if enc.cipher_name is None:
                raise XMLError("cipher info missing 'name' attribute")
            enc.cipher_size = props.uint(cipher, "size", required=True) or 0
            enc.cipher_mode = cipher.get("mode")
            enc.cipher_hash = cipher.get("hash")
        ivgen = el.find("ivgen")
        if ivgen is not None:
            if enc.cipher_name is None:
                raise XMLError("ivgen element found, but cipher is missing")
            enc.ivgen_name = ivgen.get("name")
            if enc.ivgen_name is None:
                raise XMLError("missing ivgen info name string")
            enc.ivgen_hash = ivgen.get("hash")
    return enc


_ENCRYPTION_FORMATS = ("default", "qcow", "luks", "luks2", "luks-any")
_ENCRYPTION_ENGINES = ("default", "qemu", "librbd")


def _secret_lookup(secret: Element) -> Tuple[Optional[str], Optional[str]]:
    """virSecretLookupParseSecret: (uuid, usage), exactly one of them set."""
    uuid, usage = secret.get("uuid"), secret.get("usage")
    if uuid is None and usage is None:
        raise XMLError("missing secret uuid or usage attribute")
    if uuid is not None and usage is not None:
        raise XMLError("either secret uuid or usage expected")
    if uuid is not None:
        canonical = parse_uuid(uuid)
        if canonical is None:
            raise XMLError(f"invalid secret uuid '{uuid}'")
        return canonical, None
    return None, usage


def _read_backing_store(node: Optional[Element], disk: Disk) -> None:
    """virDomainDiskBackingStoreParse: the chain of images under ``disk``."""
    if node is None:
        return
    kind = node.get("type")
    if kind is None:
        disk.backing = Disk(type="none")  # the chain ends here
        return
    fmt = props.first_attr(node, "format", "type")
    if fmt is None:
        raise XMLError("missing disk backing store format")
    source = node.find("source")
    if source is None:
        raise XMLError("missing disk backing store source")
    if kind not in enums.STORAGE_TYPES or kind == "none":
        raise XMLError(f"unknown storage source type '{kind}'")
    if fmt not in enums.STORAGE_FORMATS or fmt == "none":
        raise XMLError(f"unknown storage source format '{fmt}'")
    member = Disk(type=kind, format=fmt, readonly=True)
    cache_size = node.find("format/metadata_cache/max_size")
    if cache_size is not None:
        member.driver_extras.metadata_cache_max = scaled_bytes(
            cache_size, "./format/metadata_cache/max_size")
    _read_source(source, member)
    if member.type == "network":
        assign_default_ports(member)
    _read_backing_store(node.find("backingStore"), member)
    disk.backing = member


def _write_backing_store(out: Out, member: Optional[Disk]) -> None:
    """virDomainDiskBackingStoreFormat."""
    if member is None:
        return
    if member.type == "none":
        out.line("<backingStore/>")
        return
    out.open("backingStore", [("type", member.type)])
    cache = Out()
    if member.driver_extras.metadata_cache_max:
        cache.open("metadata_cache")
        cache.text_element("max_size", member.driver_extras.metadata_cache_max,
                           [("unit", "bytes")])
        cache.close("metadata_cache")
    out.element("format", [("type", member.format)], cache)
    _write_source(out, member)
    _write_backing_store(out, member.backing)
    out.close("backingStore")


def write_encryption(out: Out, enc: DiskEncryption) -> None:
    out.open("encryption", [("format", enc.format), ("engine", enc.engine)])
    for uuid, usage in enc.secrets:
        out.empty("secret", [("type", "passphrase"), ("uuid", uuid), ("usage", usage)])
    if enc.format == "luks" and enc.cipher_name is not None:
        out.empty("cipher", [("name", enc.cipher_name), ("size", enc.cipher_size),
                             ("mode", enc.cipher_mode), ("hash", enc.cipher_hash)])
        if enc.ivgen_name is not None:
            out.empty("ivgen", [("name", enc.ivgen_name), ("hash", enc.ivgen_hash)])
    out.close("encryption")


def _attr_text(el: Element, path: str, attr: str) -> Optional[str]:
    node = el.find(path)
    return node.get(attr) or None if node is not None else None


# --- writing ----------------------------------------------------------------------


def write_disk(out: Out, disk: Disk) -> None:
    children = Out()
    _write_driver(children, disk)
    if disk.auth is not None and disk.auth_in_disk:
        write_auth(children, disk.auth)
    _write_source(children, disk)
    _write_backing_store(children, disk.backing)
    children.empty("backenddomain", [("name", disk.backend_domain)])
    target = disk.target
    if target.cyls and target.heads and target.secs:
        children.empty("geometry", [("cyls", target.cyls), ("heads", target.heads),
                                    ("secs", target.secs), ("trans", target.trans)])
    children.empty("blockio", [(name, value or None) for name, value in
                               props.attr_values(target, _BLOCKIO)])
    attrs: List[Tuple[str, Optional[object]]] = [("dev", disk.dst), ("bus", disk.bus)]
    if disk.device in ("floppy", "cdrom") and disk.tray not in (None, "closed"):
        attrs.append(("tray", disk.tray))
    if disk.bus == "usb":
        attrs.append(("removable", onoff(target.removable)))
    attrs.append(("rotation_rate", target.rotation_rate or None))
    children.empty("target", attrs, always=True)
    if disk.iotune or disk.iotune_group is not None:
        iotune = Out()
        for name in IOTUNE_FIELDS[:13]:
            iotune.text_element(name, disk.iotune.get(name) or None)
        iotune.text_element("group_name", disk.iotune_group)
        for name in IOTUNE_FIELDS[13:]:
            iotune.text_element(name, disk.iotune.get(name) or None)
        children.element("iotune", (), iotune)
    if disk.readonly:
        children.line("<readonly/>")
    if disk.shareable:
        children.line("<shareable/>")
    if disk.transient:
        share = "yes" if disk.transient_share_backing else None
        children.empty("transient", [("shareBacking", share)], always=True)
    children.text_element("serial", disk.serial)
    children.text_element("wwn", disk.wwn)
    children.text_element("vendor", disk.vendor)
    children.text_element("product", disk.product)
    if disk.encryption is not None and disk.encryption_in_disk:
        write_encryption(children, disk.encryption)
    write_device_info(children, disk.info, allow_boot=True)
    snapshot = disk.snapshot_location
    if snapshot == "no" and disk.readonly:
        snapshot = None
    out.element("disk", [("type", disk.type), ("device", disk.device), ("model", disk.model),
                         ("rawio", yesno(disk.rawio)), ("sgio", disk.sgio),
                         ("snapshot", snapshot)], children)


def _write_driver(out: Out, disk: Disk) -> None:
    extras: DiskDriverExtras = disk.driver_extras
    attrs: List[Tuple[str, Optional[object]]] = [
        ("name", disk.driver_name), ("type", disk.format), ("cache", disk.cache),
        ("error_policy", extras.error_policy), ("rerror_policy", extras.rerror_policy),
        ("io", disk.io), ("ioeventfd", onoff(extras.ioeventfd)),
        ("event_idx", onoff(extras.event_idx)), ("copy_on_read", onoff(extras.copy_on_read)),
        ("discard", disk.discard), ("iothread", extras.iothread or None),
        ("detect_zeroes", extras.detect_zeroes),
        ("discard_no_unref", onoff(extras.discard_no_unref)),
        ("queues", extras.queues or None), ("queue_size", extras.queue_size or None),
    ]
    attrs += virtio_attrs(extras.virtio)
    children = Out()
    if extras.metadata_cache_max:
        children.open("metadata_cache")
        children.text_element("max_size", extras.metadata_cache_max, [("unit", "bytes")])
        children.close("metadata_cache")
    write_iothread_mappings(children, extras.iothreads)
    out.element("driver", attrs, children)


def _write_source(out: Out, disk: Disk) -> None:
    extras = disk.source_extras
    attrs: List[Tuple[str, Optional[object]]] = []
    children = Out()
    if disk.type == "volume":
        attrs += [("pool", extras.pool), ("volume", extras.volume), ("mode", extras.pool_mode)]
    elif disk.type == "file":
        attrs += [("file", disk.path), ("fdgroup", extras.fdgroup)]
    elif disk.type == "block":
        attrs.append(("dev", disk.path))
    elif disk.type == "dir":
        attrs.append(("dir", disk.path))
    elif disk.type == "network":
        _write_network_source(attrs, children, disk)
    elif disk.type == "nvme" and extras.nvme is not None:
        nvme = extras.nvme
        attrs += [("type", "pci"), ("managed", yesno(nvme.managed)),
                  ("namespace", nvme.namespace)]
        children.empty("address", pci_attrs(nvme.address))
    elif disk.type == "vhostuser":
        attrs += [("type", "unix"), ("path", extras.vhostuser_path)]
        write_reconnect(children, extras.reconnect)
    elif disk.type == "vhostvdpa":
        attrs.append(("dev", extras.vdpa_dev))
    if extras.slice is not None:
        children.open("slices")
        children.empty("slice", [("type", "storage"), ("offset", extras.slice[0]),
                                 ("size", extras.slice[1])])
        children.close("slices")
    if disk.type != "network":
        write_device_seclabels(children, extras.seclabels)
    if disk.auth is not None and not disk.auth_in_disk and disk.type != "volume":
        write_auth(children, disk.auth)
    if disk.encryption is not None and not disk.encryption_in_disk:
        write_encryption(children, disk.encryption)
    if disk.type != "network":
        attrs.append(("startupPolicy", disk.startup_policy))
    out.element("source", attrs, children)


def _write_network_source(attrs: List[Tuple[str, Optional[object]]], children: Out,
                          disk: Disk) -> None:
    extras = disk.source_extras
    attrs += [("protocol", disk.protocol), ("name", disk.path), ("query", extras.query),
              ("tls", yesno(extras.tls)), ("tlsHostname", extras.tls_hostname)]
    for host in disk.hosts:
        children.empty("host", [("name", host.name), ("port", host.port or None),
                                ("transport", host.transport), ("socket", host.socket)],
                       always=True)
    if disk.protocol == "nfs":
        children.empty("identity", [("user", extras.nfs_user), ("group", extras.nfs_group)])
    children.empty("reconnect", [("delay", extras.reconnect_delay or None)])
    children.empty("snapshot", [("name", disk.snapshot)])
    children.empty("config", [("file", disk.config_file)])
    if extras.initiator_iqn is not None:
        children.open("initiator")
        children.empty("iqn", [("name", extras.initiator_iqn)])
        children.close("initiator")
    children.empty("ssl", [("verify", yesno(extras.ssl_verify))])
    if extras.cookies:
        children.open("cookies")
        for name, value in extras.cookies:
            children.text_element("cookie", value, [("name", name)])
        children.close("cookies")
    children.empty("readahead", [("size", extras.readahead or None)])
    children.empty("timeout", [("seconds", extras.timeout or None)])
    if disk.protocol == "ssh":
        children.empty("knownHosts", [("path", extras.ssh_known_hosts)])
        if extras.ssh_keyfile or extras.ssh_agent:
            children.empty("identity", [("username", extras.ssh_user),
                                        ("keyfile", extras.ssh_keyfile),
                                        ("agentsock", extras.ssh_agent)])


def write_reconnect(out: Out, reconnect: Reconnect) -> None:
    if reconnect.enabled is None:
        return
    timeout = reconnect.timeout if reconnect.enabled else None
    out.empty("reconnect", [("enabled", yesno(reconnect.enabled)), ("timeout", timeout)])


def write_device_seclabels(out: Out, labels: List[DeviceSecLabel]) -> None:
    for label in labels:
        if label.label is None and label.relabel:
            continue  # inactive XML leaves out labels that say nothing
        children = Out()
        children.text_element("label", label.label)
        out.element("seclabel", [("model", label.model), ("relabel", yesno(label.relabel))],
                    children)


def write_auth(out: Out, auth: DiskAuth) -> None:
    out.open("auth", [("type", auth.auth_type), ("username", auth.username)])
    out.empty("secret", [("type", auth.secret_type), ("uuid", auth.secret_uuid),
                         ("usage", auth.secret_usage)], always=True)
    out.close("auth")
