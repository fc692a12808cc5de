"""Regenerates tests/fab_overrides.json, the FAB upgrade tripwire's record: every Flask-AppBuilder
function our code overrides or copies, with a hash of its source (discovery: tests/fab_overrides.py).

Run it after reviewing what tests/test_fab_tripwire.py reports (a FAB upgrade, a new override, a
removed one); it builds the app on a temporary, migrated SQLite database, prints what changed and
writes the record.

    .venv/bin/python scripts/fab_tripwire.py           print the changes and write the record
    .venv/bin/python scripts/fab_tripwire.py --check   only print them; exit 1 if there are any
"""
import argparse
import logging
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fab_overrides import (  # noqa: E402
    RECORD, current_record, differences, installed_fab_version, pinned_fab_version, read_record, write_record,
)


def build_app(folder):
    from flask_migrate import upgrade

    from app import create_app
    from tests.helpers import app_config

    app = create_app(app_config(f"sqlite:///{folder / 'tripwire.db'}", folder / "instance", LOG_LEVEL="WARNING"))
    logging.disable(logging.INFO)  # the migrations' progress lines
    try:
        with app.app_context():
            upgrade()
    finally:
        logging.disable(logging.NOTSET)
    return app


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only print the changes; exit 1 if there are any")
    args = parser.parse_args()
    pinned, installed = pinned_fab_version(), installed_fab_version()
    if installed != pinned:
        print(f"flask-appbuilder {installed} is installed but requirements.txt pins {pinned}: install the pinned "
              f"version (or pin the installed one) first; the record is for the pinned version.", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        with app.app_context():
            current, copied_errors = current_record(app)
    if copied_errors:
        print("COPIED in tests/fab_overrides.py needs fixing first:\n- " + "\n- ".join(copied_errors), file=sys.stderr)
        return 2
    changes = differences(read_record(), current)
    for change in changes:
        print(f"- {change}")
    relative = RECORD.relative_to(ROOT)
    if not changes:
        print(f"{relative} is up to date: {len(current)} FAB functions (flask-appbuilder {installed}).")
        return 0
    if args.check:
        return 1
    write_record(current)
    print(f"wrote {relative}: {len(current)} FAB functions (flask-appbuilder {installed}); review the diff and commit it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
