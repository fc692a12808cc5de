"""``python -m bench.users [options]``: the load test with virtual users (see bench/users/__init__.py)."""
import sys

from bench.users.cli import main

sys.exit(main())
