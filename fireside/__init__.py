"""Fireside: an offline desktop chat assistant.

Every part lives in a top-level folder of the repository (``assistant/``, ``cli/``,
``api/``, ``desktop/``, ``models/``, ``plugins/``) and installs under this one name
(``fireside.assistant``...; the mapping is in ``pyproject.toml``), so that no other
distribution's top-level ``models`` or ``plugins`` package can shadow ours. This folder
holds only what every part shares (the error types, the atomic file write, the secret
store) and the program's entry point. The
layers are ``{cli, desktop} -> api -> assistant -> {models, plugins}``; see the README's
architecture section.
"""
