"""Run-time CPU dispatch: the backends of a portable llama.cpp build are found and used.

The portable wheel takes about 15 minutes to compile on two cores
(``installer/build-llama-portable.sh``); the ``portable_wheel`` fixture builds it once per
checkout (``build/llama-portable/``), and the installer tests package the same wheel.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fireside.models import llama_runtime

ROOT = Path(__file__).resolve().parents[2]


def test_variants_are_read_from_the_library_names(tmp_path):
    for name in (
        "libggml.so",
        "libggml-base.so",
        "libggml-cpu-haswell.so",
        "libggml-cpu-zen4.so",
        "ggml-cpu-alderlake.dll",
        "libllama.so",
    ):
        (tmp_path / name).write_bytes(b"")
    assert llama_runtime.cpu_variants(tmp_path) == ["alderlake", "haswell", "zen4"]
    assert llama_runtime.cpu_variants(tmp_path / "nothing-here") == []


def test_a_build_with_one_compiled_in_cpu_backend_needs_nothing():
    if llama_runtime.cpu_variants():
        pytest.skip("the installed llama-cpp-python is a portable build")
    assert llama_runtime.ensure_backends() is False


CHILD = """
import json, sys
from fireside.models.generation import TextChunk
from fireside.models.llama_backend import LlamaBackend, LoadOptions
from fireside.models.sampling import SamplingParams
from fireside.models import llama_runtime
import llama_cpp
backend = LlamaBackend(sys.argv[1], LoadOptions(n_ctx=512, n_threads=1))
backend.load()
text = "".join(i.text for i in backend.stream([{"role": "user", "content": "Hi"}],
               SamplingParams(temperature=0, max_tokens=8)) if isinstance(i, TextChunk))
print(json.dumps({"text": text, "llama_cpp": llama_cpp.__file__,
                  "variants": llama_runtime.cpu_variants(),
                  "chosen": llama_runtime.loaded_cpu_variant()}))
"""


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_a_portable_build_loads_the_best_variant_for_this_cpu_and_answers(
    tmp_path, smollm_path, portable_wheel
):
    with zipfile.ZipFile(portable_wheel) as archive:
        archive.extractall(tmp_path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(smollm_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr.strip() == "", "llama.cpp wrote to stderr: " + done.stderr[-500:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["llama_cpp"].startswith(str(tmp_path))
    assert "sapphirerapids" not in result["variants"]  # the AMX variant is left out
    assert result["chosen"] in result["variants"]
    assert result["text"].strip()
