"""The model library: a curated catalog, hub search, resumable downloads, models on disk.

The model layer's part of it is UI-free and knows nothing of settings files: callers pass
the folder, the endpoint and the token. ``fireside.assistant.library`` wires it to the
app's settings for the command line and the window.
"""
