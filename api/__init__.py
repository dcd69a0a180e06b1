"""The local OpenAI-compatible API server: a front end over the core, like the CLI.

``app`` builds the ASGI application (routes, guards, OpenAI-shaped errors), ``server`` runs
it with uvicorn on a background thread (the window) or in the foreground (``fireside
serve``). Requests to the model go through ``queue`` one at a time, in arrival order, and
``fireside.assistant.completions`` does the generating.
"""
