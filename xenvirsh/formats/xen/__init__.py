"""Pieces of Xen's native config languages shared by the xl, xm and sxpr formats."""
