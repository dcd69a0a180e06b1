"""Fireside: an offline desktop chat assistant.

Everything installs under this one name so that no other distribution's top-level
``models`` or ``plugins`` package can shadow ours (or be shadowed by it). The layers inside
are ``desktop -> assistant -> {models, plugins}``; see the README's architecture section.
"""
