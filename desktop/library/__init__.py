"""Model > Library…: the library window (``dialog.py``), one module per tab, the download
queue its Downloads tab shows, and what the tabs share (tables, background work)."""
