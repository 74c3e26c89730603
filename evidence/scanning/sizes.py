"""Byte sizes: the units our limits are written in, and how they are shown to people."""

from __future__ import annotations

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB


def human_size(size: int) -> str:
    """`1.5 GB`, `20 MB`, `512 bytes`: powers of 1024, labelled as Windows Explorer does,
    so the figure matches what a participant sees on their own computer."""
    if size < KIB:
        return f"{size:,} bytes"
    unit, factor = next(
        (unit, factor) for unit, factor in (("GB", GIB), ("MB", MIB), ("KB", KIB)) if size >= factor
    )
    value = size / factor
    figure = f"{value:,.1f}".removesuffix(".0") if value < 10 else f"{value:,.0f}"
    return f"{figure} {unit}"
