"""Whether llama.cpp accepts a GBNF grammar, asked before the grammar is used.

llama-cpp-python hands a grammar to llama.cpp without reading it, and a grammar llama.cpp
refuses leaves a null sampler in the chain: the first token then crashes the process
(SIGSEGV). Building the sampler once with llama.cpp's own parser is the only check that
agrees with llama.cpp; its parse errors are printed on the process's stderr, not returned.
"""

from __future__ import annotations


def grammar_error(text: str, vocab=None) -> str | None:
    """None when llama.cpp parses ``text`` (with ``root``), else a short reason.

    ``vocab`` is the model's vocabulary when there is one (the model worker); the parse
    itself needs none.
    """
    if not text.strip():
        return "the grammar is empty"
    if "\x00" in text:
        return "the grammar holds a NUL character"
    import llama_cpp

    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:
        return "the grammar is not valid UTF-8"
    sampler = llama_cpp.llama_sampler_init_grammar(vocab, raw, b"root")
    if not sampler:
        return "llama.cpp cannot parse the grammar"
    llama_cpp.llama_sampler_free(sampler)
    return None
