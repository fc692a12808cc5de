"""The FAB upgrade tripwire: the installed Flask-AppBuilder is the pinned one, and no FAB function our
code overrides or copies has changed since it was last reviewed (tests/fab_overrides.py, .json)."""
import pytest

from tests.fab_overrides import (
    REGENERATE, current_record, differences, installed_fab_version, pinned_fab_version, read_record,
)


def test_installed_fab_is_the_pinned_version():
    pinned, installed = pinned_fab_version(), installed_fab_version()
    assert pinned is not None, "requirements.txt does not pin flask-appbuilder with '=='; pin it exactly."
    assert installed == pinned, (
        f"flask-appbuilder {installed} is installed, but requirements.txt pins {pinned}. Not upgrading? "
        f"`.venv/bin/pip install -r requirements.txt`. Upgrading? Pin the new version, install it, review "
        f"every change test_fab_overrides_are_reviewed reports, then regenerate with `{REGENERATE}`.")


def test_fab_overrides_are_reviewed(app):
    with app.app_context():
        current, copied_errors = current_record(app)
    problems = copied_errors + differences(read_record(), current)
    if problems:
        pytest.fail(f"FAB functions that our code overrides or copies differ from tests/fab_overrides.json "
                    f"(flask-appbuilder {installed_fab_version()}):\n- " + "\n- ".join(problems), pytrace=False)
