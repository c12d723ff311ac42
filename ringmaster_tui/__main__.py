"""`python -m ringmaster_tui` is the `ringmaster-tui` command."""

import sys

from ringmaster_tui.cli import main

sys.exit(main())
