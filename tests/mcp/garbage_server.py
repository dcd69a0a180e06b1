"""Not an MCP server: answers every line on stdin with prose, as a misconfigured one does."""

import sys

print("Welcome! Server ready.", flush=True)
for _line in sys.stdin:
    print("hello, I am not JSON-RPC", flush=True)
