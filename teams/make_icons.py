"""Write the Teams app icons: color.png (192x192) and outline.png (32x32, white on transparent).

Pure Python (zlib + struct), so packaging the app needs no imaging library:
    python teams/make_icons.py && (cd teams && zip oars-teams.zip manifest.json color.png outline.png)
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

Pixel = tuple[int, int, int, int]
TEAL: Pixel = (31, 111, 120, 255)
WHITE: Pixel = (255, 255, 255, 255)
CLEAR: Pixel = (0, 0, 0, 0)


def png(width: int, height: int, pixel: Callable[[int, int], Pixel]) -> bytes:
    """An 8-bit RGBA PNG: signature, IHDR, one zlib IDAT (filter 0 per row), IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def mark(size: int, x: int, y: int) -> bool:
    """The OARS mark: a ring (the O) crossed by a diagonal oar with a blade."""
    cx = cy = (size - 1) / 2
    dx, dy = x - cx, y - cy
    r = math.hypot(dx, dy)
    ring = 0.26 * size <= r <= 0.36 * size
    # oar shaft along the diagonal from top-right to bottom-left
    along = (dx - dy) / math.sqrt(2)
    across = (dx + dy) / math.sqrt(2)
    shaft = abs(across) <= 0.035 * size and abs(along) <= 0.44 * size
    blade = 0.26 * size <= -along <= 0.46 * size and abs(across) <= 0.09 * size
    return ring or shaft or blade


def color_pixel(x: int, y: int, size: int = 192) -> Pixel:
    return WHITE if mark(size, x, y) else TEAL


def outline_pixel(x: int, y: int, size: int = 32) -> Pixel:
    return WHITE if mark(size, x, y) else CLEAR


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "color.png").write_bytes(png(192, 192, color_pixel))
    (out / "outline.png").write_bytes(png(32, 32, outline_pixel))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent)
