"""The frozen app's entry script: the same ``main`` as the ``fireside`` command.

``multiprocessing.freeze_support()`` inside ``main`` lets the model worker start by running
this executable again.
"""

import sys

from fireside.launcher import main

if __name__ == "__main__":
    sys.exit(main())
