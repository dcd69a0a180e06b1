"""Model Context Protocol servers as tool sources: configuration, connections, tools.

The official ``mcp`` SDK is asynchronous; ``McpManager`` runs every server's session on one
background event loop it owns and offers plain blocking calls to the rest of the app.
"""
