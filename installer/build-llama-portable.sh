#!/usr/bin/env bash
# A llama-cpp-python wheel for Linux that runs on any x86-64 CPU and picks its fastest code
# at run time (build-macos.sh and build-windows.ps1 build their platform's own).
#
# The wheel pip builds by default is compiled with -march=native: it runs only on CPUs like
# the builder's, and its AMX path crashes on some CPUs that have AMX. This build uses
# llama.cpp's run-time CPU dispatch instead (GGML_NATIVE=OFF, GGML_BACKEND_DL=ON,
# GGML_CPU_ALL_VARIANTS=ON): the CPU backend is compiled once per instruction-set level and
# the best one the CPU supports is loaded when the model loads
# (models/llama_runtime.py). The AMX variant ("sapphirerapids") is left out of the
# list, so AMX CPUs run the AVX-512 code, which works.
#
# Usage: installer/build-llama-portable.sh [OUT_DIR]   (default: build/llama-portable)
# It compiles the CPU backend a dozen times: about the figures in installer/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-build/llama-portable}")
version=${LLAMA_CPP_PYTHON_VERSION:-$(python -c 'import importlib.metadata as m; print(m.version("llama-cpp-python"))' 2>/dev/null || echo 0.3.36)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python -m pip download --quiet --no-deps --no-binary :all: "llama-cpp-python==$version" -d "$work"
tar xzf "$work/llama_cpp_python-$version.tar.gz" -C "$work"
src="$work/llama_cpp_python-$version"
variants="$src/vendor/llama.cpp/ggml/src/CMakeLists.txt"
grep -q 'ggml_add_cpu_backend_variant(sapphirerapids' "$variants" || {
    echo "build-llama-portable: the AMX variant was not found in $variants; check the list by hand" >&2
    exit 1
}
sed -i '/ggml_add_cpu_backend_variant(sapphirerapids/d' "$variants"

mkdir -p "$out"
start=$(date +%s)
# ggml installs the backend modules into CMAKE_INSTALL_BINDIR ("bin" by default, outside the
# package): they must sit beside libggml in llama_cpp/lib, where llama_runtime looks.
CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_BACKEND_DL=ON -DGGML_CPU_ALL_VARIANTS=ON -DCMAKE_INSTALL_BINDIR=llama_cpp/lib ${CMAKE_ARGS_EXTRA:-}" \
CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)} \
    python -m pip wheel --no-deps --wheel-dir "$out" "$src"
wheel=$(ls "$out"/llama_cpp_python-"$version"-*.whl)
python - "$wheel" <<'PY' || exit 1
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
variants = [n for n in names if n.startswith("llama_cpp/lib/") and "ggml-cpu-" in n]
if not variants or any("sapphirerapids" in n for n in variants):
    sys.exit(f"build-llama-portable: error: {sys.argv[1]} has CPU variants {variants}")
print("build-llama-portable: CPU variants:", ", ".join(sorted(n.rsplit("/", 1)[1] for n in variants)))
PY
echo "build-llama-portable: built $(ls "$out"/llama_cpp_python-"$version"-*.whl) in $(( $(date +%s) - start )) s on $(nproc) cores"
