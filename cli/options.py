"""Model and sampling flags shared by every command that generates text."""

from __future__ import annotations

import argparse
import dataclasses

from fireside.models.llama_backend import LoadOptions
from fireside.models.sampling import SamplingParams


def _number(kind, low: float, high: float | None = None, what: str = ""):
    """An argparse type that rejects values out of range with a one-line reason."""

    def parse(value: str):
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {value!r}") from None
        if number < low or (high is not None and number > high):
            raise argparse.ArgumentTypeError(f"expected {what}, got {value}")
        return number

    return parse


positive_int = _number(int, 1, what="a whole number of at least 1")
non_negative_int = _number(int, 0, what="a whole number of at least 0")
non_negative_float = _number(float, 0.0, what="a number of at least 0")
unit_float = _number(float, 0.0, 1.0, what="a number from 0 to 1")
positive_float = _number(float, 1e-6, what="a number above 0")
port_number = _number(int, 0, 65535, what="a port from 0 to 65535")


def gpu_layers(value: str) -> int | str:
    if value == "auto":
        return value
    try:
        layers = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("expected 'auto' or a number of layers") from None
    if layers < -1:
        raise argparse.ArgumentTypeError("expected 'auto', -1 (all) or a number of layers")
    return layers


def add_model_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("model")
    g.add_argument(
        "--model",
        "-m",
        metavar="PATH|CONNECTION/MODEL",
        help="GGUF file, or a model of a remote connection (see 'fireside models remote'); "
        "default: your chosen model, else the bundled SmolLM2 demo model",
    )
    g.add_argument("--ctx-size", type=positive_int, metavar="N", help="context window in tokens")
    g.add_argument("--threads", type=positive_int, metavar="N", help="CPU threads")
    g.add_argument(
        "--gpu-layers",
        type=gpu_layers,
        metavar="auto|N",
        help="layers to offload to the GPU (auto: all when the build supports it)",
    )
    g.add_argument(
        "--chat-template",
        metavar="NAME",
        help="override the chat template: chatml, gemma, llama3, mistral, phi3",
    )


def add_sampling_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("sampling")
    g.add_argument("--temperature", "-t", type=non_negative_float)
    g.add_argument("--top-p", type=unit_float)
    g.add_argument("--top-k", type=non_negative_int)
    g.add_argument("--repeat-penalty", type=positive_float)
    g.add_argument("--max-tokens", "-n", type=positive_int)
    g.add_argument("--seed", type=int)
    g.add_argument("--stop", action="append", metavar="TEXT", help="stop string (repeatable)")


def sampling_from(args: argparse.Namespace, base: SamplingParams) -> SamplingParams:
    params = SamplingParams.from_dict(base.to_dict())
    for flag, attr in [
        ("temperature", "temperature"),
        ("top_p", "top_p"),
        ("top_k", "top_k"),
        ("repeat_penalty", "repeat_penalty"),
        ("max_tokens", "max_tokens"),
        ("seed", "seed"),
    ]:
        value = getattr(args, flag, None)
        if value is not None:
            setattr(params, attr, value)
    if getattr(args, "stop", None):
        params.stop = list(args.stop)
    return params


def load_options_from(args: argparse.Namespace, base: LoadOptions) -> LoadOptions:
    """``base`` (the settings') with the command line's flags on top."""
    return dataclasses.replace(
        base,
        n_ctx=args.ctx_size or base.n_ctx,
        n_threads=args.threads or base.n_threads,
        n_gpu_layers=args.gpu_layers if args.gpu_layers is not None else base.n_gpu_layers,
        chat_template=args.chat_template or base.chat_template,
    )


def add_web_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--web",
        dest="web",
        action="store_true",
        default=None,
        help="let the model search the web and read pages (each network call asks first "
        "unless --allow-tools); default: the web.enabled setting, off",
    )
    p.add_argument("--no-web", dest="web", action="store_false", help="never use the web")
