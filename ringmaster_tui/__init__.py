"""ringmaster-tui: a terminal dashboard for AI coding-loop orchestrators."""

import logging

# No log record may reach stderr (Textual draws there, and the commands print one clear
# line): without `--log` the package's records go nowhere. See ringmaster_tui/logs.py.
logging.getLogger(__name__).addHandler(logging.NullHandler())
