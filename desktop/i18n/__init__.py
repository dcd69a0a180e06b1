"""The window's languages: Qt translation sources (``.ts``), compiled catalogues (``.qm``).

English is the source language. ``translators.install_translators`` picks the language at
start-up; ``update.py`` collects new strings from ``desktop`` and recompiles.
"""
