"""``python -m batchframe`` runs the command line."""

import sys

from batchframe._cli import main

sys.exit(main())
