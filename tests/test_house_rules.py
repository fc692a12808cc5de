"""The house's rules (STYLE.md, "How a module plugs in"), checked on the source itself.

Imports run downwards only: core and security import no domain; registry (the register every domain
builds on) imports no other domain; a domain imports core, security, registry and itself, never another
domain; reporting and exchange may read every domain and nothing imports them. The composition modules
at the top of app/ (the factory, the model index, the menu, the demo data, the commands) may import all.
"""
import ast
from pathlib import Path

from flask_appbuilder import Model
from sqlalchemy import Table

APP = Path(__file__).resolve().parent.parent / "app"
LAYERS = {"core", "security"}
BASE = "registry"
READERS = {"reporting", "exchange"}  # may import every domain; no one imports them
NOT_CODE = {"templates", "static", "__pycache__"}


def packages():
    return {path.name for path in APP.iterdir() if path.is_dir() and path.name not in NOT_CODE}


def imports():
    """(package of the importing module, its path, the imported app module) for every import in app/."""
    for path in sorted(APP.rglob("*.py")):
        parts = path.relative_to(APP).parts
        package = parts[0] if len(parts) > 1 else None  # None: a composition module at the top
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                bits = name.split(".")
                if bits[0] == "app" and len(bits) > 1 and bits[1] in packages():
                    yield package, path.relative_to(APP.parent), bits[1], name


def broken(rule):
    return sorted({f"{path} imports {name}" for package, path, target, name in imports()
                   if package is not None and rule(package, target)})


def test_core_and_security_import_no_domain():
    assert broken(lambda package, target: package in LAYERS and target not in LAYERS) == []


def test_the_register_imports_no_other_domain():
    assert broken(lambda package, target: package == BASE and target not in LAYERS | {BASE}) == []


def test_a_domain_imports_only_core_security_the_register_and_itself():
    allowed = LAYERS | {BASE}
    assert broken(lambda package, target: package not in LAYERS | READERS
                  and target not in allowed | {package}) == []


def test_no_domain_imports_another_domains_views():
    assert [entry for entry in broken(lambda package, target: package != target and target not in LAYERS)
            if entry.endswith(".views") or ".views." in entry] == []


def test_nothing_imports_reporting_or_exchange():
    assert broken(lambda package, target: target in READERS and package != target) == []


def test_the_rules_see_the_imports_they_judge():
    """The checks above are not vacuous: the source has domain imports of every allowed kind."""
    kinds = {(package in LAYERS, target == BASE, package == target) for package, _path, target, _name in imports()
             if package is not None}
    assert (False, True, False) in kinds  # a domain importing the register
    assert (False, False, True) in kinds  # a domain importing itself
    assert any(target == "security" for package, _path, target, _name in imports() if package == "core")


def test_app_models_lists_every_table():
    """app/models.py is where the whole model can be read at a glance: every table of the metadata is
    imported there (FAB's own ab_* tables excepted)."""
    import app.models as index

    listed = set()
    for value in vars(index).values():
        if isinstance(value, Table):
            listed.add(value.name)
        elif isinstance(value, type) and issubclass(value, Model) and hasattr(value, "__table__"):
            listed.add(value.__table__.name)
    tables = {name for name in Model.metadata.tables if not name.startswith("ab_")}
    assert sorted(tables - listed) == []
