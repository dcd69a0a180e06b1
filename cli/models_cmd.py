"""``fireside models``: inspect a GGUF without loading it, list and choose models."""

from __future__ import annotations

import argparse
from pathlib import Path

from fireside.assistant.app import build_app
from fireside.assistant.settings import model_chosen
from fireside.cli import library_cmd, remote_cmd
from fireside.cli.common import fail, print_json
from fireside.models.bundled import default_model
from fireside.models.errors import ModelError
from fireside.models.gguf_info import inspect_gguf
from fireside.models.hardware import available_memory, gpu_offload_supported
from fireside.models.projector import find_projector


def register(sub) -> None:
    p = sub.add_parser("models", help="inspect and choose GGUF models")
    ms = p.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    ins = ms.add_parser("inspect", help="facts about a GGUF file, without loading it")
    ins.add_argument("path")
    ins.add_argument("--ctx-size", type=int, help="context size for the memory estimate")
    ins.add_argument("--json", action="store_true")
    ins.set_defaults(func=_inspect)
    ls = ms.add_parser(
        "list", help="the bundled model, recent ones, GGUFs found on disk and plugins' models"
    )
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_list)
    use = ms.add_parser(
        "use",
        help="make a GGUF, CONNECTION/MODEL or a plugin's model the default ('bundled' to reset)",
    )
    use.add_argument("path")
    use.set_defaults(func=_use)
    library_cmd.register(ms)
    remote_cmd.register(ms)


def _gib(n: int) -> str:
    return f"{n / 2**30:.2f} GiB"


def _inspect(args: argparse.Namespace) -> int:
    try:
        info = inspect_gguf(args.path)
    except ModelError as exc:
        return fail(str(exc))
    app = build_app()  # the estimate follows the KV cache type the loader will use
    try:
        kv_cache = app.settings.model.kv_cache
    finally:
        app.close()
    data = info.to_dict(args.ctx_size, kv_cache)
    data["available_memory_bytes"] = available_memory()
    data["fits_in_memory"] = data["memory_estimate_bytes"] <= data["available_memory_bytes"]
    data["gpu_offload_supported"] = gpu_offload_supported()
    projector = find_projector(info.path, info.embedding_length)
    data["projector"] = str(projector) if projector else None
    data["sees_images"] = projector is not None
    if args.json:
        print_json(data)
        return 0
    rows = [
        ("file", info.path),
        ("size", _gib(info.file_size)),
        ("architecture", info.architecture),
        ("name", info.name or "-"),
        ("parameters", f"{info.parameters_label} ({info.parameter_count:,})"),
        ("quantization", info.quantization),
        ("context length", f"{info.context_length or '-'} tokens (trained)"),
        ("chat template", "in the file" if info.chat_template else "none (chosen by architecture)"),
        (
            "images",
            f"sees images (projector {projector.name})"
            if projector
            else "text only (pictures are read with OCR)",
        ),
        (
            "memory needed",
            f"about {_gib(data['memory_estimate_bytes'])} with a {kv_cache} KV cache "
            f"(available {_gib(data['available_memory_bytes'])})",
        ),
        (
            "GPU offload",
            "supported by this build"
            if data["gpu_offload_supported"]
            else "not in this build (CPU only)",
        ),
    ]
    for k, v in rows:
        print(f"{k:>15}: {v}")
    return 0


def _list(args: argparse.Namespace) -> int:
    app = build_app()
    try:
        bundled = default_model()
        items = []
        if bundled:
            items.append(
                {
                    "path": str(bundled.path),
                    "label": bundled.label,
                    "bundled": True,
                    "note": bundled.note,
                    "where": "bundled",
                }
            )
        plugin_models = app.models.plugin_models()
        offered = {m.id for m in plugin_models}
        for p in app.settings.model.recent:
            if app.models.is_remote(p):  # no network here: 'models remote list' checks
                items.append(
                    {"path": p, "label": f"{p} (remote)", "bundled": False, "remote": True}
                )
            elif p in offered:
                continue  # listed with its plugin below
            elif not bundled or Path(p) != bundled.path:
                items.append(
                    {
                        "path": p,
                        "label": Path(p).name,
                        "bundled": False,
                        "exists": Path(p).exists(),
                        "where": "recent",
                    }
                )
        items += library_cmd.local_items(app, {item["path"] for item in items})
        items += [
            {
                "path": m.id,
                "label": m.description or m.id,
                "bundled": False,
                "where": f"plugin {m.plugin}",
            }
            for m in plugin_models
        ]
        current = app.settings.model.path or (str(bundled.path) if bundled else None)
        for item in items:
            item["default"] = item["path"] == current
        if args.json:
            print_json(items)
        else:
            for item in items:
                mark = "*" if item["default"] else " "
                print(f"{mark} {item['label']}  [{item['where']}]\n    {item['path']}")
        return 0
    finally:
        app.close()


def _use(args: argparse.Namespace) -> int:
    app = build_app()
    try:
        if args.path == "bundled":
            chosen = None
        elif app.models.is_remote(args.path) or app.models.is_plugin(args.path):
            try:
                app.models.get(args.path)  # the server answers, the plugin opens it
            except ModelError as exc:
                return fail(str(exc))
            chosen = args.path
        else:
            try:
                chosen = inspect_gguf(args.path).path
            except ModelError as exc:
                return fail(str(exc))
        app.settings_store.update(model_chosen(chosen))
        return 0
    finally:
        app.close()
