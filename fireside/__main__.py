"""``python -m fireside``: the same program as the ``fireside`` command."""

import sys

from fireside.launcher import main

if __name__ == "__main__":
    sys.exit(main())
