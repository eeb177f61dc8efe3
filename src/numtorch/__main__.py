"""``python -m numtorch``: the numtorch command line."""

import sys

from .cli import main

sys.exit(main())
