"""The Teams app package: manifest shape and the pure-Python icons."""

from __future__ import annotations

import json
import runpy
import struct
import zlib
from pathlib import Path

TEAMS_DIR = Path(__file__).resolve().parents[3] / "teams"


def test_manifest() -> None:
    manifest = json.loads((TEAMS_DIR / "manifest.json").read_text())
    assert float(manifest["manifestVersion"]) >= 1.16
    [bot] = manifest["bots"]
    assert bot["botId"] == "${MICROSOFT_APP_ID}" and set(bot["scopes"]) == {"personal", "team", "groupchat"}
    titles = {c["title"] for cl in bot["commandLists"] for c in cl["commands"]}
    assert {"drill", "tip", "streak", "progress", "help"} <= titles
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}


def _read_png(data: bytes) -> tuple[int, int, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, size = 8, b"", (0, 0)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
            assert body[8:10] == b"\x08\x06"  # 8-bit RGBA
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return size[0], size[1], zlib.decompress(idat)


def test_make_icons(tmp_path: Path) -> None:
    module = runpy.run_path(str(TEAMS_DIR / "make_icons.py"))
    module["main"](tmp_path)
    width, height, raw = _read_png((tmp_path / "color.png").read_bytes())
    assert (width, height) == (192, 192) and len(raw) == 192 * (1 + 192 * 4)
    width, height, raw = _read_png((tmp_path / "outline.png").read_bytes())
    assert (width, height) == (32, 32)
    alphas = {raw[row * (1 + 32 * 4) + 1 + col * 4 + 3] for row in range(32) for col in range(32)}
    assert alphas == {0, 255}  # outline: white mark on transparent
