"""``python -m aivoucher``: the command line, exactly as the ``aivoucher`` command runs it."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
