"""`python -m ccgwatch` runs the CLI."""

import sys

from ccgwatch.cli import main

sys.exit(main())
