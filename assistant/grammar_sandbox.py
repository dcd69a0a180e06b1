"""Grammars from requests' schemas, built in a child process with a memory and a time limit.

A schema from a request (``response_format``, the parameters of a caller's functions) is
someone else's input to two pieces of code not written for hostile input: llama.cpp's
Python converter (which once grew the server to 23 GB on one schema) and llama.cpp's
grammar parser (native code). ``schema_limits`` refuses what is plainly too big; what is
left is converted *and parsed by llama.cpp* in a helper process whose address space is
capped, and which is killed when it takes too long. A grammar reaches the model worker
only after llama.cpp has read it there. The helper is started on first use, restarted after
it died, and ends with the app; recent results are kept, since a client sends the same
tools with every request.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import signal
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from fireside.assistant.json_grammar import MAX_GRAMMAR_CHARS, schema_grammar, short
from fireside.assistant.request_error import RequestError
from fireside.assistant.schema_limits import MAX_ALTERNATIVES, SchemaCheck
from fireside.assistant.tool_grammar import call_grammar

DEFAULT_MEMORY_BYTES = 512 * 2**20  # above what the helper holds once started
DEFAULT_TIMEOUT_S = 10.0
START_TIMEOUT_S = 60.0
CACHE_SIZE = 64


@dataclass(frozen=True)
class _Function:
    name: str
    parameters: dict


@dataclass(frozen=True)
class GrammarRequest:
    """A grammar to build: for a JSON value following ``schema``, or, given ``functions``
    (name and parameters schema), for one call to one of them in ``fmt``'s syntax."""

    schema: dict | None = None
    functions: tuple[tuple[str, dict], ...] = ()
    fmt: str = "prompt"
    param: str = "response_format"  # the request field named when it is refused

    def check(self) -> None:
        """Refuse a malformed or oversized schema (cheap; before anything is converted)."""
        check = SchemaCheck(self.param)
        if self.functions:
            if len(self.functions) > MAX_ALTERNATIVES:
                raise RequestError(f"more than {MAX_ALTERNATIVES} tools", self.param)
            for n, (_, parameters) in enumerate(self.functions):
                check.check(parameters, f"tools[{n}].function.parameters")
        else:
            check.check(self.schema, "response_format.json_schema.schema")

    def build(self) -> str:
        """The checked grammar (``RequestError`` when it cannot be built or parsed)."""
        from fireside.models.grammar_check import grammar_error

        self.check()
        try:
            if self.functions:
                text = call_grammar([_Function(n, p) for n, p in self.functions], self.fmt)
            else:
                text = schema_grammar(self.schema)
        except RecursionError:
            raise self._refused("the schema is nested too deeply") from None
        except MemoryError:
            raise self._refused("the grammar needs more memory than allowed") from None
        except Exception as exc:  # noqa: BLE001 - the converter raises many kinds
            raise self._refused(
                f"this JSON schema cannot be enforced ({short(str(exc))})"
            ) from None
        if len(text) > MAX_GRAMMAR_CHARS:
            raise self._refused(f"the grammar would exceed {MAX_GRAMMAR_CHARS} characters")
        problem = grammar_error(text)
        if problem is not None:
            raise self._refused(f"this JSON schema cannot be enforced ({problem})")
        return text

    def _refused(self, reason: str) -> RequestError:
        return RequestError(f"{self.param}: {reason}", self.param)

    def key(self) -> str:
        return json.dumps([self.schema, self.functions, self.fmt], sort_keys=True)


class GrammarSandbox:
    """Builds ``GrammarRequest``s in a helper process; one per app (``App.grammars``)."""

    def __init__(
        self,
        *,
        memory_bytes: int = DEFAULT_MEMORY_BYTES,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.memory_bytes = memory_bytes
        self.timeout_s = timeout_s
        self._mp = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._process = None
        self._conn = None
        self._cache: OrderedDict[str, str] = OrderedDict()
        # started from one long-lived thread: Linux ends the helper with the thread that
        # started it (PR_SET_PDEATHSIG), and callers may be short-lived pool threads
        self._launcher = ThreadPoolExecutor(1, thread_name_prefix="grammar-sandbox-launcher")

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def build(self, request: GrammarRequest) -> str:
        request.check()  # plain faults answer at once, without a round trip
        key = request.key()
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            text = self._ask(request)
            self._cache[key] = text
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
            return text

    def schema_grammar(self, schema: dict) -> str:
        """JSON mode's grammar for ``schema`` (for ``json_grammar.response_grammar``)."""
        return self.build(GrammarRequest(schema=schema))

    def _ask(self, request: GrammarRequest) -> str:
        self._ensure()
        conn = self._conn
        try:
            conn.send(request)
            if not conn.poll(self.timeout_s):
                self._stop()
                raise request._refused(
                    f"turning this schema into a grammar took longer than {self.timeout_s:g} s"
                )
            status, value = conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            code = self._stop()
            raise request._refused(_death_reason(code, self.memory_bytes)) from None
        if status == "ok":
            return value
        raise RequestError(value, request.param)

    def _ensure(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        self._stop()
        parent, child = self._mp.Pipe(duplex=True)
        process = self._mp.Process(
            target=serve,
            args=(child, os.getpid(), self.memory_bytes),
            name="fireside-grammar-sandbox",
            daemon=True,
        )
        self._launcher.submit(process.start).result()
        child.close()
        self._process, self._conn = process, parent
        try:
            if not parent.poll(START_TIMEOUT_S) or parent.recv() != "ready":
                raise EOFError
        except (EOFError, OSError):
            self._stop()
            raise RequestError("the grammar helper process did not start") from None

    def _stop(self) -> int | None:
        """End the helper; its exit code (negative: the signal), None when none ran."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if process is None:
            return None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()
        process.join(0.5)
        if process.is_alive():
            process.kill()
            process.join()
        return process.exitcode

    def close(self) -> None:
        with self._lock:
            self._stop()
        self._launcher.shutdown(wait=False)


def _death_reason(code: int | None, memory_bytes: int) -> str:
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        ended = f"ended with {name}"
    else:
        ended = f"exited ({code})"
    return (
        f"turning this schema into a grammar failed (the helper {ended}; it may use "
        f"{memory_bytes // 2**20} MiB)"
    )


# -- the helper process -----------------------------------------------------------------------
def _limit_memory(extra_bytes: int) -> None:
    """Cap the address space at what the helper holds now plus ``extra_bytes`` (POSIX)."""
    try:
        import resource
    except ImportError:  # Windows: the time limit and the schema limits still apply
        return
    try:
        with open("/proc/self/statm") as fh:
            size = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return  # no /proc (macOS): no address-space cap there either
    limit = size + extra_bytes
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _quiet_stderr() -> None:
    """llama.cpp prints its parse errors on fd 2; they are answered, not printed."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)


def serve(conn, parent_pid: int, memory_bytes: int) -> None:
    """The helper's main function: build each request, answer ``(status, grammar|reason)``."""
    from fireside.models.worker.lifeline import tie_to_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tie_to_parent(parent_pid)
    # loaded before the cap, so that the cap is what the work may use
    import fireside.models.grammar_check  # noqa: F401
    import llama_cpp  # noqa: F401
    import llama_cpp.llama_grammar  # noqa: F401

    _quiet_stderr()
    _limit_memory(memory_bytes)
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = ("ok", request.build())
        except RequestError as exc:
            reply = ("refused", str(exc))
        except MemoryError:
            reply = ("refused", request._refused("the grammar needs more memory than allowed"))
        except Exception as exc:  # noqa: BLE001 - answered, never fatal
            reply = ("refused", f"{request.param}: cannot build a grammar ({short(str(exc))})")
        try:
            conn.send((reply[0], str(reply[1])))
        except (OSError, ValueError):
            return
