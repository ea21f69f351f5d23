# An HVM guest as xm (Xen 3.x/4.0) wrote it: convert it with
#   xenvirsh native-convert xen-xm xen-xl legacy-hvm.xm
name = "legacy"
uuid = "8f07fe28-753f-2729-d76d-bdbd892f9411"
maxmem = 1024
memory = 1024
vcpus = 1
builder = "hvm"
kernel = "/usr/lib/xen/boot/hvmloader"
boot = "dc"
pae = 1
acpi = 1
apic = 1
localtime = 0
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "restart"
device_model_override = "/usr/lib/xen/bin/qemu-system-i386"
sdl = 0
vnc = 1
vncunused = 1
disk = [ "phy:/dev/vg0/legacy,hda,w", "file:/srv/iso/installer.iso,hdc:cdrom,r" ]
vif = [ "mac=00:16:3e:4a:10:02,bridge=xenbr0,script=vif-bridge,type=netfront" ]
serial = "pty"
