"""``python -m sklearn_statement.cli``: the ``sklearn-statement`` command."""

import sys

from . import main

sys.exit(main())
