"""``libxl_domain_config`` and every type it contains, as in Xen 4.17's IDL.

Field order, names and defaults follow ``tools/libs/light/libxl_types.idl``
(Xen 4.17); they decide the order and the omissions of libxl's JSON. Const
fields (``type.pv.features``) are left out because libxl neither writes nor
reads them.
"""

from __future__ import annotations

import uuid
from typing import Any, Dict, List, Mapping, Optional, Sequence

from xenvirsh.formats.libxl.cpuid import CpuidPolicy
from xenvirsh.formats.libxl.idl import (
    Array,
    Builtin,
    Enumeration,
    Json,
    KeyedUnion,
    struct,
)


def _uuid(value: str) -> str:
    return str(uuid.UUID(value))


def _bitmap(bits: Sequence[int]) -> List[int]:
    return sorted(bits)


def _key_values(pairs: Mapping[str, Optional[str]]) -> Dict[str, Optional[str]]:
    return dict(pairs)


def _cpuid(policy: CpuidPolicy) -> Json:
    return policy.to_json()


def _enum(name: str, *values: str, default: Optional[str] = None) -> Enumeration:
    """An enum whose first value is its default unless ``default`` says otherwise."""
    return Enumeration(name, values, default if default is not None else values[0])


# --- builtins ----------------------------------------------------------------

DEFBOOL = Builtin("defbool", None, lambda value: "True" if value else "False")
STRING = Builtin("string", None, str)
INTEGER = Builtin("integer", 0, int)
UINT8 = Builtin("uint8", 0, int)
UINT32 = Builtin("uint32", 0, int)
UINT64 = Builtin("uint64", 0, int)
BOOL = Builtin("bool", False, bool)
DOMID = Builtin("domid", 0, int)
DEVID = Builtin("devid", -1, int)
MEMKB = Builtin("MemKB", (1 << 64) - 1, int)  # LIBXL_MEMKB_DEFAULT
UUID = Builtin("uuid", None, _uuid, is_empty=lambda value: uuid.UUID(value).int == 0)
MAC = Builtin("mac", None, str.lower,
              is_empty=lambda value: value.replace(":", "").strip("0") == "")
BITMAP = Builtin("bitmap", None, _bitmap, is_empty=lambda value: not value)
STRING_LIST = Builtin("string_list", None, list, is_empty=lambda value: not value)
KEY_VALUE_LIST = Builtin("key_value_list", None, _key_values, is_empty=lambda value: not value)
CPUID_POLICY_LIST = Builtin("cpuid_policy_list", None, _cpuid,
                            is_empty=lambda value: value.is_empty())
MS_VM_GENID = Builtin("ms_vm_genid", None, list, is_empty=lambda value: not any(value))

_GRANT_DEFAULT = 0xFFFFFFFF  # LIBXL_MAX_GRANT_DEFAULT
_SCHED_DEFAULT = -1  # LIBXL_DOMAIN_SCHED_PARAM_*_DEFAULT

# --- enumerations --------------------------------------------------------------

DOMAIN_TYPE = _enum("domain_type", "invalid", "hvm", "pv", "pvh")
RDM_RESERVE_STRATEGY = _enum("rdm_reserve_strategy", "ignore", "host")
RDM_RESERVE_POLICY = _enum("rdm_reserve_policy", "invalid", "strict", "relaxed")
CHANNEL_CONNECTION = _enum("channel_connection", "unknown", "pty", "socket")
DEVICE_MODEL_VERSION = _enum("device_model_version", "unknown", "qemu_xen_traditional",
                             "qemu_xen")
DISK_FORMAT = _enum("disk_format", "unknown", "qcow", "qcow2", "vhd", "raw", "empty", "qed")
DISK_BACKEND = _enum("disk_backend", "unknown", "phy", "tap", "qdisk", "standalone")
DISK_SPECIFICATION = _enum("disk_specification", "unknown", "xen", "virtio")
DISK_TRANSPORT = _enum("disk_transport", "unknown", "mmio")
NIC_TYPE = _enum("nic_type", "unknown", "vif_ioemu", "vif")
ACTION_ON_SHUTDOWN = _enum("action_on_shutdown", "destroy", "restart", "restart_rename",
                           "preserve", "coredump_destroy", "coredump_restart", "soft_reset")
TSC_MODE = _enum("tsc_mode", "default", "always_emulate", "native", "native_paravirt")
GFX_PASSTHRU_KIND = _enum("gfx_passthru_kind", "default", "igd")
TIMER_MODE = _enum("timer_mode", "unknown", "delay_for_missed_ticks",
                   "no_delay_for_missed_ticks", "no_missed_ticks_pending",
                   "one_missed_tick_pending")
BIOS_TYPE = _enum("bios_type", "unknown", "rombios", "seabios", "ovmf")
SCHEDULER = _enum("scheduler", "unknown", "sedf", "credit", "credit2", "arinc653", "rtds",
                  "null")
VGA_INTERFACE_TYPE = _enum("vga_interface_type", "unknown", "cirrus", "std", "none", "qxl")
VENDOR_DEVICE = _enum("vendor_device", "none", "xenserver")
HDTYPE = _enum("hdtype", "ide", "ahci")
VUART_TYPE = _enum("vuart_type", "unknown", "sbsa_uart")
VKB_BACKEND = _enum("vkb_backend", "unknown", "qemu", "linux")
PASSTHROUGH = _enum("passthrough", "default", "disabled", "enabled", "sync_pt", "share_pt")
GIC_VERSION = _enum("gic_version", "default", "v2", "v3")
TEE_TYPE = _enum("tee_type", "none", "optee")
ALTP2M_MODE = _enum("altp2m_mode", "disabled", "mixed", "external", "limited")
USBCTRL_TYPE = _enum("usbctrl_type", "auto", "pv", "devicemodel", "qusb")
# numbered from 1 with no init_val: nothing is the default
USBDEV_TYPE = Enumeration("usbdev_type", ("hostdev",), None)
VSND_PCM_FORMAT = Enumeration("vsnd_pcm_format", (
    "s8", "u8", "s16_le", "s16_be", "u16_le", "u16_be", "s24_le", "s24_be", "u24_le",
    "u24_be", "s32_le", "s32_be", "u32_le", "u32_be", "f32_le", "f32_be", "f64_le", "f64_be",
    "iec958_subframe_le", "iec958_subframe_be", "mu_law", "a_law", "ima_adpcm", "mpeg", "gsm",
), None)
VSND_STREAM_TYPE = Enumeration("vsnd_stream_type", ("p", "c"), None)

# --- structs -----------------------------------------------------------------

IOPORT_RANGE = struct("ioport_range", ("first", UINT32), ("number", UINT32))
IOMEM_RANGE = struct("iomem_range", ("start", UINT64), ("number", UINT64),
                     ("gfn", UINT64, (1 << 64) - 1))
VGA_INTERFACE_INFO = struct("vga_interface_info", ("kind", VGA_INTERFACE_TYPE))
VNC_INFO = struct(
    "vnc_info",
    ("enable", DEFBOOL),
    ("listen", STRING),
    ("passwd", STRING),
    ("display", INTEGER),
    ("findunused", DEFBOOL),
)
SPICE_INFO = struct(
    "spice_info",
    ("enable", DEFBOOL),
    ("port", INTEGER),
    ("tls_port", INTEGER),
    ("host", STRING),
    ("disable_ticketing", DEFBOOL),
    ("passwd", STRING),
    ("agent_mouse", DEFBOOL),
    ("vdagent", DEFBOOL),
    ("clipboard_sharing", DEFBOOL),
    ("usbredirection", INTEGER),
    ("image_compression", STRING),
    ("streaming_video", STRING),
)
SDL_INFO = struct(
    "sdl_info",
    ("enable", DEFBOOL),
    ("opengl", DEFBOOL),
    ("display", STRING),
    ("xauthority", STRING),
)
DOMAIN_CREATE_INFO = struct(
    "domain_create_info",
    ("type", DOMAIN_TYPE),
    ("hap", DEFBOOL),
    ("oos", DEFBOOL),
    ("ssidref", UINT32),
    ("ssid_label", STRING),
    ("name", STRING),
    ("domid", DOMID),
    ("uuid", UUID),
    ("xsdata", KEY_VALUE_LIST),
    ("platformdata", KEY_VALUE_LIST),
    ("poolid", UINT32),
    ("pool_name", STRING),
    ("run_hotplug_scripts", DEFBOOL),
    ("driver_domain", DEFBOOL),
    ("passthrough", PASSTHROUGH),
    ("xend_suspend_evtchn_compat", DEFBOOL),
)
DOMAIN_SCHED_PARAMS = struct(
    "domain_sched_params",
    ("sched", SCHEDULER),
    ("weight", INTEGER, _SCHED_DEFAULT),
    ("cap", INTEGER, _SCHED_DEFAULT),
    ("period", INTEGER, _SCHED_DEFAULT),
    ("budget", INTEGER, _SCHED_DEFAULT),
    ("extratime", INTEGER, _SCHED_DEFAULT),
    ("slice", INTEGER, _SCHED_DEFAULT),
    ("latency", INTEGER, _SCHED_DEFAULT),
)
VNODE_INFO = struct(
    "vnode_info",
    ("memkb", MEMKB),
    ("distances", Array(UINT32)),
    ("pnode", UINT32),
    ("vcpus", BITMAP),
)
RDM_RESERVE = struct("rdm_reserve", ("strategy", RDM_RESERVE_STRATEGY),
                     ("policy", RDM_RESERVE_POLICY))

BUILD_INFO_HVM = struct(
    "domain_build_info.u.hvm",
    ("firmware", STRING),
    ("bios", BIOS_TYPE),
    ("pae", DEFBOOL),
    ("apic", DEFBOOL),  # deprecated by b_info.apic
    ("acpi", DEFBOOL),  # deprecated by b_info.acpi
    ("acpi_s3", DEFBOOL),
    ("acpi_s4", DEFBOOL),
    ("acpi_laptop_slate", DEFBOOL),
    ("nx", DEFBOOL),
    ("viridian", DEFBOOL),
    ("viridian_enable", BITMAP),
    ("viridian_disable", BITMAP),
    ("timeoffset", STRING),
    ("hpet", DEFBOOL),
    ("vpt_align", DEFBOOL),
    ("mmio_hole_memkb", MEMKB),
    ("timer_mode", TIMER_MODE),  # deprecated by b_info.timer_mode
    ("nested_hvm", DEFBOOL),  # deprecated by b_info.nested_hvm
    ("altp2m", DEFBOOL),
    ("system_firmware", STRING),
    ("smbios_firmware", STRING),
    ("acpi_firmware", STRING),
    ("hdtype", HDTYPE),
    ("nographic", DEFBOOL),
    ("vga", VGA_INTERFACE_INFO),
    ("vnc", VNC_INFO),
    ("keymap", STRING),
    ("sdl", SDL_INFO),
    ("spice", SPICE_INFO),
    ("gfx_passthru", DEFBOOL),
    ("gfx_passthru_kind", GFX_PASSTHRU_KIND),
    ("serial", STRING),
    ("boot", STRING),
    ("usb", DEFBOOL),
    ("usbversion", INTEGER),
    ("usbdevice", STRING),
    ("vkb_device", DEFBOOL),
    ("soundhw", STRING),
    ("xen_platform_pci", DEFBOOL),
    ("usbdevice_list", STRING_LIST),
    ("vendor_device", VENDOR_DEVICE),
    ("ms_vm_genid", MS_VM_GENID),
    ("serial_list", STRING_LIST),
    ("rdm", RDM_RESERVE),
    ("rdm_mem_boundary_memkb", MEMKB),
    ("mca_caps", UINT64),
)
BUILD_INFO_PV = struct(
    "domain_build_info.u.pv",
    ("kernel", STRING),  # deprecated by b_info.kernel, and so on
    ("slack_memkb", MEMKB),
    ("bootloader", STRING),
    ("bootloader_args", STRING_LIST),
    ("cmdline", STRING),
    ("ramdisk", STRING),
    ("e820_host", DEFBOOL),
)
BUILD_INFO_PVH = struct(
    "domain_build_info.u.pvh",
    ("pvshim", DEFBOOL),
    ("pvshim_path", STRING),
    ("pvshim_cmdline", STRING),
    ("pvshim_extra", STRING),
)
DOMAIN_BUILD_INFO = struct(
    "domain_build_info",
    ("max_vcpus", INTEGER),
    ("avail_vcpus", BITMAP),
    ("cpumap", BITMAP),
    ("nodemap", BITMAP),
    ("vcpu_hard_affinity", Array(BITMAP)),
    ("vcpu_soft_affinity", Array(BITMAP)),
    ("numa_placement", DEFBOOL),
    ("tsc_mode", TSC_MODE),
    ("max_memkb", MEMKB),
    ("target_memkb", MEMKB),
    ("video_memkb", MEMKB),
    ("shadow_memkb", MEMKB),
    ("iommu_memkb", MEMKB),
    ("rtc_timeoffset", UINT32),
    ("exec_ssidref", UINT32),
    ("exec_ssid_label", STRING),
    ("localtime", DEFBOOL),
    ("disable_migrate", DEFBOOL),
    ("cpuid", CPUID_POLICY_LIST),
    ("blkdev_start", STRING),
    ("vnuma_nodes", Array(VNODE_INFO)),
    ("max_grant_frames", UINT32, _GRANT_DEFAULT),
    ("max_maptrack_frames", UINT32, _GRANT_DEFAULT),
    ("max_grant_version", INTEGER, -1),  # (int)LIBXL_MAX_GRANT_DEFAULT
    ("device_model_version", DEVICE_MODEL_VERSION),
    ("device_model_stubdomain", DEFBOOL),
    ("stubdomain_memkb", MEMKB),
    ("stubdomain_kernel", STRING),
    ("stubdomain_cmdline", STRING),
    ("stubdomain_ramdisk", STRING),
    ("device_model", STRING),
    ("device_model_ssidref", UINT32),
    ("device_model_ssid_label", STRING),
    ("device_model_user", STRING),
    ("extra", STRING_LIST),
    ("extra_pv", STRING_LIST),
    ("extra_hvm", STRING_LIST),
    ("sched_params", DOMAIN_SCHED_PARAMS),
    ("ioports", Array(IOPORT_RANGE)),
    ("irqs", Array(UINT32)),
    ("iomem", Array(IOMEM_RANGE)),
    ("claim_mode", DEFBOOL),
    ("event_channels", UINT32),
    ("kernel", STRING),
    ("cmdline", STRING),
    ("ramdisk", STRING),
    ("device_tree", STRING),
    ("acpi", DEFBOOL),
    ("bootloader", STRING),
    ("bootloader_args", STRING_LIST),
    ("timer_mode", TIMER_MODE),
    ("nested_hvm", DEFBOOL),
    ("apic", DEFBOOL),
    ("dm_restrict", DEFBOOL),
    ("tee", TEE_TYPE),
    ("u", KeyedUnion("type", {"hvm": BUILD_INFO_HVM, "pv": BUILD_INFO_PV,
                              "pvh": BUILD_INFO_PVH, "invalid": None})),
    ("arch_arm", struct("domain_build_info.arch_arm", ("gic_version", GIC_VERSION),
                        ("vuart", VUART_TYPE))),
    ("arch_x86", struct("domain_build_info.arch_x86", ("msr_relaxed", DEFBOOL))),
    ("altp2m", ALTP2M_MODE),
    ("vmtrace_buf_kb", INTEGER),
    ("vpmu", DEFBOOL),
)

DEVICE_VFB = struct(
    "device_vfb",
    ("backend_domid", DOMID),
    ("backend_domname", STRING),
    ("devid", DEVID),
    ("vnc", VNC_INFO),
    ("sdl", SDL_INFO),
    ("keymap", STRING),
)
DEVICE_VKB = struct(
    "device_vkb",
    ("backend_domid", DOMID),
    ("backend_domname", STRING),
    ("devid", DEVID),
    ("backend_type", VKB_BACKEND),
    ("unique_id", STRING),
    ("feature_disable_keyboard", BOOL),
    ("feature_disable_pointer", BOOL),
    ("feature_abs_pointer", BOOL),
    ("feature_raw_pointer", BOOL),
    ("feature_multi_touch", BOOL),
    ("width", UINT32),
    ("height", UINT32),
    ("multi_touch_width", UINT32),
    ("multi_touch_height", UINT32),
    ("multi_touch_num_contacts", UINT32),
)
DEVICE_DISK = struct(
    "device_disk",
    ("backend_domid", DOMID),
    ("backend_domname", STRING),
    ("pdev_path", STRING),
    ("vdev", STRING),
    ("backend", DISK_BACKEND),
    ("format", DISK_FORMAT),
    ("script", STRING),
    ("removable", INTEGER),
    ("readwrite", INTEGER),
    ("is_cdrom", INTEGER),
    ("direct_io_safe", BOOL),
    ("discard_enable", DEFBOOL),
    ("specification", DISK_SPECIFICATION),
    ("transport", DISK_TRANSPORT),
    ("irq", UINT32),
    ("base", UINT64),
    ("colo_enable", DEFBOOL),
    ("colo_restore_enable", DEFBOOL),
    ("colo_host", STRING),
    ("colo_port", INTEGER),
    ("colo_export", STRING),
    ("active_disk", STRING),
    ("hidden_disk", STRING),
    ("trusted", DEFBOOL),
)
_NIC_COLO_STRINGS = (
    "coloft_forwarddev",
    "colo_sock_mirror_id", "colo_sock_mirror_ip", "colo_sock_mirror_port",
    "colo_sock_compare_pri_in_id", "colo_sock_compare_pri_in_ip",
    "colo_sock_compare_pri_in_port",
    "colo_sock_compare_sec_in_id", "colo_sock_compare_sec_in_ip",
    "colo_sock_compare_sec_in_port",
    "colo_sock_compare_notify_id", "colo_sock_compare_notify_ip",
    "colo_sock_compare_notify_port",
    "colo_sock_redirector0_id", "colo_sock_redirector0_ip", "colo_sock_redirector0_port",
    "colo_sock_redirector1_id", "colo_sock_redirector1_ip", "colo_sock_redirector1_port",
    "colo_sock_redirector2_id", "colo_sock_redirector2_ip", "colo_sock_redirector2_port",
    "colo_filter_mirror_queue", "colo_filter_mirror_outdev",
    "colo_filter_redirector0_queue", "colo_filter_redirector0_indev",
    "colo_filter_redirector0_outdev",
    "colo_filter_redirector1_queue", "colo_filter_redirector1_indev",
    "colo_filter_redirector1_outdev",
    "colo_compare_pri_in", "colo_compare_sec_in", "colo_compare_out",
    "colo_compare_notify_dev",
    "colo_sock_sec_redirector0_id", "colo_sock_sec_redirector0_ip",
    "colo_sock_sec_redirector0_port",
    "colo_sock_sec_redirector1_id", "colo_sock_sec_redirector1_ip",
    "colo_sock_sec_redirector1_port",
    "colo_filter_sec_redirector0_queue", "colo_filter_sec_redirector0_indev",
    "colo_filter_sec_redirector0_outdev",
    "colo_filter_sec_redirector1_queue", "colo_filter_sec_redirector1_indev",
    "colo_filter_sec_redirector1_outdev",
    "colo_filter_sec_rewriter0_queue",
    "colo_checkpoint_host", "colo_checkpoint_port",
)
DEVICE_NIC = struct(
    "device_nic",
    ("backend_domid", DOMID),
    ("backend_domname", STRING),
    ("devid", DEVID),
    ("mtu", INTEGER),
    ("model", STRING),
    ("mac", MAC),
    ("ip", STRING),
    ("bridge", STRING),
    ("ifname", STRING),
    ("script", STRING),
    ("nictype", NIC_TYPE),
    ("rate_bytes_per_interval", UINT64),
    ("rate_interval_usecs", UINT32),
    ("gatewaydev", STRING),
    *((name, STRING) for name in _NIC_COLO_STRINGS),
    ("trusted", DEFBOOL),
)
DEVICE_PCI = struct(
    "device_pci",
    ("func", UINT8),
    ("dev", UINT8),
    ("bus", UINT8),
    ("domain", INTEGER),
    ("vdevfn", UINT32),
    ("vfunc_mask", UINT32),
    ("msitranslate", BOOL),
    ("power_mgmt", BOOL),
    ("permissive", BOOL),
    ("seize", BOOL),
    ("rdm_policy", RDM_RESERVE_POLICY),
    ("name", STRING),
)
DEVICE_RDM = struct("device_rdm", ("start", UINT64), ("size", UINT64),
                    ("policy", RDM_RESERVE_POLICY))
DEVICE_DTDEV = struct("device_dtdev", ("path", STRING))
DEVICE_VTPM = struct(
    "device_vtpm",
    ("backend_domid", DOMID),
    ("backend_domname", STRING),
    ("devid", DEVID),
    ("uuid", UUID),
)
DEVICE_P9 = struct(
    "device_p9",
    ("backend_domid", DOMID),
    ("backend_domname", STRING),
    ("tag", STRING),
    ("path", STRING),
    ("security_model", STRING),
    ("devid", DEVID),
)
DEVICE_PVCALLSIF = struct(
    "device_pvcallsif",
    ("backend_domid", DOMID),
    ("backend_domname", STRING),
    ("devid", DEVID),
)
CONNECTOR_PARAM = struct("connector_param", ("unique_id", STRING), ("width", UINT32),
                         ("height", UINT32))
DEVICE_VDISPL = struct(
    "device_vdispl",
    ("backend_domid", DOMID),
    ("backend_domname", STRING),
    ("devid", DEVID),
    ("be_alloc", BOOL),
    ("connectors", Array(CONNECTOR_PARAM)),
)
VSND_PARAMS = struct(
    "vsnd_params",
    ("sample_rates", Array(UINT32)),
    ("sample_formats", Array(VSND_PCM_FORMAT)),
    ("channels_min", UINT32),
    ("channels_max", UINT32),
    ("buffer_size", UINT32),
)
VSND_STREAM = struct("vsnd_stream", ("unique_id", STRING), ("type", VSND_STREAM_TYPE),
                     ("params", VSND_PARAMS))
VSND_PCM = struct("vsnd_pcm", ("name", STRING), ("params", VSND_PARAMS),
                  ("streams", Array(VSND_STREAM)))
DEVICE_VSND = struct(
    "device_vsnd",
    ("backend_domid", DOMID),
    ("backend_domname", STRING),
    ("devid", DEVID),
    ("short_name", STRING),
    ("long_name", STRING),
    ("params", VSND_PARAMS),
    ("pcms", Array(VSND_PCM)),
)
DEVICE_CHANNEL = struct(
    "device_channel",
    ("backend_domid", DOMID),
    ("backend_domname", STRING),
    ("devid", DEVID),
    ("name", STRING),
    ("u", KeyedUnion("connection", {
        "unknown": None,
        "pty": None,
        "socket": struct("device_channel.u.socket", ("path", STRING)),
    })),
)
DEVICE_USBCTRL = struct(
    "device_usbctrl",
    ("type", USBCTRL_TYPE),
    ("devid", DEVID),
    ("version", INTEGER),
    ("ports", INTEGER),
    ("backend_domid", DOMID),
    ("backend_domname", STRING),
)
DEVICE_USBDEV = struct(
    "device_usbdev",
    ("ctrl", DEVID),
    ("port", INTEGER),
    ("u", KeyedUnion("type", {
        "hostdev": struct("device_usbdev.u.hostdev", ("hostbus", UINT8), ("hostaddr", UINT8)),
    })),
)

DOMAIN_CONFIG = struct(
    "domain_config",
    ("c_info", DOMAIN_CREATE_INFO),
    ("b_info", DOMAIN_BUILD_INFO),
    ("disks", Array(DEVICE_DISK)),
    ("nics", Array(DEVICE_NIC)),
    ("pcidevs", Array(DEVICE_PCI)),
    ("rdms", Array(DEVICE_RDM)),
    ("dtdevs", Array(DEVICE_DTDEV)),
    ("vfbs", Array(DEVICE_VFB)),
    ("vkbs", Array(DEVICE_VKB)),
    ("vtpms", Array(DEVICE_VTPM)),
    ("p9s", Array(DEVICE_P9)),
    ("pvcallsifs", Array(DEVICE_PVCALLSIF)),
    ("vdispls", Array(DEVICE_VDISPL)),
    ("vsnds", Array(DEVICE_VSND)),
    ("channels", Array(DEVICE_CHANNEL)),
    ("usbctrls", Array(DEVICE_USBCTRL)),
    ("usbdevs", Array(DEVICE_USBDEV)),
    ("on_poweroff", ACTION_ON_SHUTDOWN),
    ("on_reboot", ACTION_ON_SHUTDOWN),
    ("on_watchdog", ACTION_ON_SHUTDOWN),
    ("on_crash", ACTION_ON_SHUTDOWN),
    ("on_soft_reset", ACTION_ON_SHUTDOWN),
)

Config = Dict[str, Any]
"""A ``libxl_domain_config`` value: see :mod:`xenvirsh.formats.libxl.idl`."""
