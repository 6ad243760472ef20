"""``python -m backend.cli``: the ``tekun`` command."""

import sys

from backend.cli import main

sys.exit(main())
