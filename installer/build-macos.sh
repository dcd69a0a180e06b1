#!/usr/bin/env bash
# Builds Fireside for macOS: Fireside.app (PyInstaller) in a drag-to-Applications .dmg.
#
#   bash installer/build-macos.sh
#
# NOT RUN YET: written on Linux and checked only with `bash -n` and the tests in
# tests/installer/test_installer_scripts.py. The first run on a Mac (or the macos-14 job of
# .github/workflows/installers.yml) is its first real test.
#
# Output: build/Fireside-<version>-macos-<arch>.dmg (arch: arm64 or x86_64, the
# architecture of the Python that runs this script), with build/dist/Fireside.app and the
# llama-cpp-python wheel (build/llama-macos/) on the way.
#
# Steps: icons -> llama-cpp-python wheel -> pip install (project + build tools) -> ONNX
# export of MiniLM -> PyInstaller -> smoke test of the frozen command line -> minimum macOS
# version written into Info.plist -> code signing -> .dmg (-> notarisation).
#
# llama.cpp on Apple Silicon (arm64, the main target):
#   Metal (the GPU) is on by default there and Fireside offloads every layer to it
#   (--gpu-layers auto), so the CPU code matters little. It is built with GGML_NATIVE=OFF:
#   no -mcpu=native, so the compiler's default target for arm64 macOS (apple-m1) is used,
#   and the result runs on every Apple Silicon Mac, whichever M chip built it.
#   GGML_CPU_ALL_VARIANTS is not needed: the Apple variants (apple_m1, apple_m2_m3,
#   apple_m4) add only int8 matrix multiply (M2+) and SME (M4) to the CPU path, which the
#   Metal path does not use; and it would need GGML_BACKEND_DL, which turns Metal and the
#   CPU code into libraries loaded at run time instead of linked ones. One linked build is
#   simpler and is what upstream llama.cpp ships for arm64 macOS.
# Intel Macs (x86_64) differ:
#   - PyTorch publishes no macOS x86_64 wheels after 2.2, and Fireside needs torch >= 2.4
#     (sentence-transformers, the ONNX export), so `pip install` fails there today. The
#     script stops early with that message; ALLOW_INTEL=1 tries anyway (for the day torch is
#     no longer needed at build time).
#   - The CPU does the work, and llama-cpp-python's CMakeLists switches AVX/AVX2/FMA/F16C
#     off for x86_64 Macs, so a plain GGML_NATIVE=OFF build would be SSE-only and slow. The
#     Intel build is the portable one of build-llama-portable.sh instead (GGML_BACKEND_DL,
#     GGML_CPU_ALL_VARIANTS, the AMX variant removed, as on Linux); Metal stays compiled in
#     (llama-cpp-python forces it on) but an Intel Mac's GPU helps little.
#   - GitHub's Intel runners are macos-13 / macos-15-intel; the workflow builds arm64 only.
#
# Settings (environment):
#   LLAMA_PORTABLE_WHEEL  a llama-cpp-python wheel built before (by this script): install
#                         it instead of building llama.cpp again.
#   LLAMA_CPP_PYTHON_VERSION  the llama-cpp-python to build (default: installed, or 0.3.36).
#   SKIP_PIP=1            use the current environment as it is: no llama.cpp build, no
#                         pip install.
#   SKIP_ONNX=1           keep torch in the app instead of the ONNX MiniLM embedder.
#   SKIP_SMOKE=1          do not run the frozen `fireside chat` once after the build.
#   MACOSX_DEPLOYMENT_TARGET  oldest macOS the llama.cpp build targets (default 13.3, as
#                         upstream's macOS releases). The app's real minimum is the highest
#                         one among everything bundled (PySide6, onnxruntime...): the
#                         script finds it and writes it into Info.plist.
#   Real signing and notarisation (all skipped when unset; the app is then signed ad hoc,
#   which Apple Silicon requires to run at all, and Gatekeeper asks the user to confirm
#   the first start: right-click > Open, or System Settings > Privacy & Security):
#   MACOS_SIGN_IDENTITY   a "Developer ID Application: NAME (TEAMID)" identity in the
#                         keychain: the app is signed with it (hardened runtime,
#                         timestamp), and so is the .dmg.
#   MACOS_NOTARY_PROFILE  a notarytool keychain profile (`xcrun notarytool
#                         store-credentials`), or instead:
#   MACOS_NOTARY_APPLE_ID, MACOS_NOTARY_TEAM_ID, MACOS_NOTARY_PASSWORD (an app-specific
#                         password): the app and then the .dmg are notarised with
#                         `xcrun notarytool submit --wait` and the tickets stapled, so
#                         Gatekeeper accepts the app offline on first start.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=$ROOT/build
say() { echo "build-macos: $*"; }
fail() {
    echo "build-macos: error: $*" >&2
    exit 1
}

[ "$(uname -s)" = Darwin ] || fail "this script builds the macOS app and runs on macOS only"
command -v python >/dev/null || fail "no python on PATH (Python 3.11 or newer)"
version=$(python -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
arch=$(python -c 'import platform; print(platform.machine())')
case "$arch" in
arm64) ;;
x86_64)
    [ "${ALLOW_INTEL:-0}" = 1 ] || fail "Intel Macs: PyTorch has no macOS x86_64 wheels for torch >= 2.4, which the build needs; set ALLOW_INTEL=1 to try anyway"
    ;;
*) fail "unknown Mac architecture $arch" ;;
esac
export MACOSX_DEPLOYMENT_TARGET=${MACOSX_DEPLOYMENT_TARGET:-13.3}
ncpu=$(sysctl -n hw.ncpu)
mkdir -p "$BUILD"
start=$(date +%s)
say "Fireside $version for macOS $arch"

# -- llama-cpp-python and the Python environment ------------------------------------------
if [ "${SKIP_PIP:-0}" != 1 ]; then
    wheel=${LLAMA_PORTABLE_WHEEL:-}
    if [ -z "$wheel" ]; then
        llama_version=${LLAMA_CPP_PYTHON_VERSION:-$(python -c 'import importlib.metadata as m; print(m.version("llama-cpp-python"))' 2>/dev/null || echo 0.3.36)}
        say "llama-cpp-python $llama_version ($arch)"
        work=$(mktemp -d)
        trap 'rm -rf "$work"' EXIT
        python -m pip download --quiet --no-deps --no-binary :all: "llama-cpp-python==$llama_version" -d "$work"
        tar xzf "$work/llama_cpp_python-$llama_version.tar.gz" -C "$work"
        src="$work/llama_cpp_python-$llama_version"
        if [ "$arch" = arm64 ]; then
            cmake_args="-DGGML_NATIVE=OFF -DGGML_METAL=ON -DCMAKE_OSX_ARCHITECTURES=arm64"
        else
            variants="$src/vendor/llama.cpp/ggml/src/CMakeLists.txt"
            grep -q 'ggml_add_cpu_backend_variant(sapphirerapids' "$variants" ||
                fail "the AMX variant was not found in $variants; check the list by hand"
            # BSD sed: -i takes a backup suffix
            sed -i.orig '/ggml_add_cpu_backend_variant(sapphirerapids/d' "$variants"
            cmake_args="-DGGML_NATIVE=OFF -DGGML_BACKEND_DL=ON -DGGML_CPU_ALL_VARIANTS=ON -DCMAKE_OSX_ARCHITECTURES=x86_64"
        fi
        rm -rf "$BUILD/llama-macos"
        CMAKE_ARGS="$cmake_args ${CMAKE_ARGS_EXTRA:-}" CMAKE_BUILD_PARALLEL_LEVEL=$ncpu \
            python -m pip wheel --no-deps --wheel-dir "$BUILD/llama-macos" "$src"
        wheel=$(ls "$BUILD"/llama-macos/llama_cpp_python-*.whl)
        say "built $wheel in $(($(date +%s) - start)) s on $ncpu cores"
    fi
    [ -f "$wheel" ] || fail "no llama-cpp-python wheel at $wheel"

    say "pip install (the project, its llama-cpp-python wheel, the build tools)"
    # The wheel replaces any llama-cpp-python already there (pip would keep one of the same
    # version), and named again below it satisfies the project's requirement, so pip does
    # not compile the sdist from PyPI natively.
    python -m pip install --upgrade pip
    python -m pip install --force-reinstall --no-deps "$wheel"
    python -m pip install "$wheel" "torch==2.13.0" . \
        "pyinstaller==6.22.3" "onnx==1.23.2" "onnxruntime==1.32.0"
fi
if [ "$arch" = arm64 ]; then
    python -c 'import sys, llama_cpp; sys.exit(0 if llama_cpp.llama_supports_gpu_offload() else 1)' ||
        fail "the installed llama-cpp-python has no Metal (GPU offload): is it the wheel from this script?"
fi

say "icons"
python installer/make_icons.py "$BUILD/icons" >/dev/null
[ -f "$BUILD/icons/fireside.icns" ] || fail "make_icons.py wrote no fireside.icns"

onnx="$BUILD/onnx/all-MiniLM-L6-v2"
if [ "${SKIP_ONNX:-0}" != 1 ] && [ -f installer/export_minilm_onnx.py ]; then
    say "MiniLM embedder to ONNX"
    python installer/export_minilm_onnx.py "$onnx"
    export FIRESIDE_ONNX_EXPORT=$onnx
else
    say "no ONNX export: the app carries torch for MiniLM"
    unset FIRESIDE_ONNX_EXPORT
fi

say "freezing (PyInstaller)"
rm -rf "$BUILD/dist/fireside" "$BUILD/dist/Fireside.app"
python -m PyInstaller --noconfirm --log-level WARN --distpath "$BUILD/dist" \
    --workpath "$BUILD/pyinstaller" installer/fireside.spec
app="$BUILD/dist/Fireside.app"
exe="$app/Contents/MacOS/fireside"
[ -x "$exe" ] || fail "PyInstaller did not produce $exe"

if [ "${SKIP_SMOKE:-0}" != 1 ]; then
    # The frozen command line loads the bundled model in its worker process and answers:
    # the same path the window takes. On the CPU (--gpu-layers 0), since CI's virtual Macs
    # may have no usable GPU.
    say "smoke test: the frozen fireside chat"
    home=$(mktemp -d)
    FIRESIDE_HOME=$home "$exe" chat "Say hello" --max-tokens 8 --seed 1 --gpu-layers 0 &
    pid=$!
    (sleep 300 && kill "$pid" 2>/dev/null) &
    watchdog=$!
    rc=0
    wait "$pid" || rc=$?
    kill "$watchdog" 2>/dev/null || true
    rm -rf "$home"
    [ "$rc" = 0 ] || fail "the frozen app's fireside chat failed (exit $rc)"
fi

# -- Minimum macOS -------------------------------------------------------------------------
# The spec asks for macOS 12, but wheels raise it (PySide6 6.11 needs 13, onnxruntime 1.32
# is built for 14): Finder should refuse the app on an older macOS with a clear message
# rather than let it crash on a library load, so Info.plist gets the highest minimum found.
plist="$app/Contents/Info.plist"
floor=$(/usr/libexec/PlistBuddy -c "Print :LSMinimumSystemVersion" "$plist")
python - "$app" "$floor" >"$BUILD/min-macos.txt" <<'EOF'
import subprocess
import sys
from pathlib import Path


def version(text):
    return tuple(int(p) for p in text.strip().split("."))


def minos(path):
    out = subprocess.run(["otool", "-l", str(path)], capture_output=True, text=True).stdout
    found, lines = [], out.splitlines()
    for i, line in enumerate(lines):
        if line.strip() in ("cmd LC_BUILD_VERSION", "cmd LC_VERSION_MIN_MACOSX"):
            for follow in lines[i + 1 : i + 6]:
                key, _, value = follow.strip().partition(" ")
                if key in ("minos", "version"):
                    found.append(version(value))
                    break
    return max(found, default=(0,))


best, culprit = version(sys.argv[2]), "Info.plist"
for path in Path(sys.argv[1]).rglob("*"):
    if path.is_file() and not path.is_symlink():
        with path.open("rb") as f:
            magic = f.read(4)
        if magic in (b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe"):  # Mach-O 64-bit, universal
            found = minos(path)
            if found > best:
                best, culprit = found, path
print(".".join(map(str, best)))
print(f"build-macos: minimum macOS {'.'.join(map(str, best))}, set by {culprit}", file=sys.stderr)
EOF
min_os=$(head -n 1 "$BUILD/min-macos.txt")
say "minimum macOS $min_os"
/usr/libexec/PlistBuddy -c "Set :LSMinimumSystemVersion $min_os" "$plist"

# -- Signing -------------------------------------------------------------------------------
if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
    say "signing with $MACOS_SIGN_IDENTITY (hardened runtime)"
    # Python's ctypes (llama-cpp-python's bindings, their log callback) needs writable
    # executable memory under the hardened runtime; PyInstaller's bundled libraries all
    # carry this signature, so library validation can stay on.
    entitlements="$BUILD/fireside.entitlements"
    cat >"$entitlements" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
    <key>com.apple.security.cs.allow-unsigned-executable-memory</key>
    <true/>
</dict>
</plist>
EOF
    # --deep is enough for PyInstaller's layout; Apple prefers signing nested code inside
    # out, which is the thing to change if notarisation rejects a nested library.
    codesign --force --deep --options runtime --timestamp --entitlements "$entitlements" \
        -s "$MACOS_SIGN_IDENTITY" "$app"
else
    say "ad-hoc signing (no MACOS_SIGN_IDENTITY: not notarised, Gatekeeper will ask)"
    codesign --force --deep -s - "$app"
fi
codesign --verify --deep --strict "$app" || fail "codesign --verify failed on $app"

notarise() { # FILE: submit to Apple's notary service and wait for the verdict
    if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
        xcrun notarytool submit "$1" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
    else
        xcrun notarytool submit "$1" --apple-id "$MACOS_NOTARY_APPLE_ID" \
            --team-id "$MACOS_NOTARY_TEAM_ID" --password "$MACOS_NOTARY_PASSWORD" --wait
    fi
}
notary=0
if [ -n "${MACOS_SIGN_IDENTITY:-}" ] && { [ -n "${MACOS_NOTARY_PROFILE:-}" ] ||
    { [ -n "${MACOS_NOTARY_APPLE_ID:-}" ] && [ -n "${MACOS_NOTARY_TEAM_ID:-}" ] && [ -n "${MACOS_NOTARY_PASSWORD:-}" ]; }; }; then
    notary=1
fi
if [ "$notary" = 1 ]; then
    # The app first, so its own ticket can be stapled before it goes into the .dmg: a
    # stapled app opens without asking Apple's servers, and Fireside is an offline app.
    say "notarising the app"
    zip="$BUILD/Fireside-notarise.zip"
    ditto -c -k --keepParent "$app" "$zip"
    notarise "$zip"
    rm -f "$zip"
    xcrun stapler staple "$app"
else
    say "not notarised (set MACOS_SIGN_IDENTITY and MACOS_NOTARY_PROFILE or MACOS_NOTARY_APPLE_ID/_TEAM_ID/_PASSWORD)"
fi

# -- .dmg ----------------------------------------------------------------------------------
say ".dmg"
dmg="$BUILD/Fireside-$version-macos-$arch.dmg"
stage="$BUILD/dmg-stage"
rm -rf "$stage" "$dmg"
mkdir -p "$stage"
ditto "$app" "$stage/Fireside.app"
ln -s /Applications "$stage/Applications"
# hdiutil sometimes fails with "Resource busy" on CI machines; a retry is the known cure.
for try in 1 2 3; do
    if hdiutil create -volname "Fireside $version" -srcfolder "$stage" -ov -fs HFS+ \
        -format UDZO -imagekey zlib-level=9 "$dmg"; then
        break
    fi
    [ "$try" = 3 ] && fail "hdiutil create failed three times"
    sleep 5
done
rm -rf "$stage"
if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
    codesign --force --timestamp -s "$MACOS_SIGN_IDENTITY" "$dmg"
fi
if [ "$notary" = 1 ]; then
    say "notarising the .dmg"
    notarise "$dmg"
    xcrun stapler staple "$dmg"
fi
hdiutil verify "$dmg" >/dev/null || fail "hdiutil verify failed on $dmg"

say "$(du -sh "$app" | cut -f1) app, $(du -h "$dmg" | cut -f1) dmg: $dmg"
say "done in $(($(date +%s) - start)) s"
