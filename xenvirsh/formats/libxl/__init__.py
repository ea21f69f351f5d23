"""libxl's domain configuration: its IDL, JSON dialect and how libvirt fills it."""
