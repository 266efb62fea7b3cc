"""``python -m sklearn_statement.cli``: the ``sklearn-statement`` command."""

import sys

from . import main

if __name__ == "__main__":  # not when a tool imports every module (docs, gallery)
    sys.exit(main())
