"""The model layer: GGUF inspection, chat templates and the llama.cpp backend.

Never imports ``assistant`` or ``desktop``; everything here is usable on its own.
"""
