"""Render the app icon (desktop/icons/fireside.svg) for each platform's packages.

Writes into OUT_DIR (default build/icons): PNGs at the sizes desktop environments look for
(hicolor theme), ``fireside.ico`` for Windows and ``fireside.icns`` for macOS. Qt renders
the SVG and writes ICO/ICNS through its image-format plugins, so no other tool is needed.

    python installer/make_icons.py [OUT_DIR]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "desktop" / "icons" / "fireside.svg"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)


def render(size: int):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    return image


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    out = Path(argv[0]) if argv else ROOT / "build" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    _app = QGuiApplication.instance() or QGuiApplication([])
    for size in PNG_SIZES:
        if not render(size).save(str(out / f"fireside-{size}.png")):
            print(f"make_icons: could not write the {size}px PNG", file=sys.stderr)
            return 1
    for fmt, size in (("ico", 256), ("icns", 512)):
        if not render(size).save(str(out / f"fireside.{fmt}"), fmt):
            print(
                f"make_icons: Qt cannot write .{fmt} here (image-format plugin missing)",
                file=sys.stderr,
            )
            return 1
    print(f"make_icons: icons in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
