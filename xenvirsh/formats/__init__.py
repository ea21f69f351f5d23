"""Domain definitions in and out of libvirt XML and Xen's native formats."""
