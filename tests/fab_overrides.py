"""The FAB upgrade tripwire: which Flask-AppBuilder functions our code overrides or copies, and a
hash of each one's source, so an upgrade that changes one of them cannot pass unnoticed.

The one place of the discovery: tests/test_fab_tripwire.py compares its answer with the committed
record (tests/fab_overrides.json) and scripts/fab_tripwire.py writes it there.

Discovery, from the running app:
- our classes: every class of the ``app`` package that has a FAB class in its MRO, found from the
  classes of the registered views and their datamodels, the security manager, its user model, the
  classes of every module of ``app`` (imported by walking the package) and of every loaded FAB
  module, and all their subclasses and nested classes, transitively (so a class made in a function
  is found too);
- an override: a name that one of our classes, or a mixin of ours in such a class's MRO, defines in
  its own ``__dict__`` while a FAB class further along that MRO defines it as a function (method,
  property, classmethod, staticmethod), skipping our classes in between: so a domain view that
  overrides ScopedModelView._get_show_widget is recorded against FAB's, too;
- a copy cannot be detected: COPIED below lists the functions of ours whose body is (partly) FAB's.

The hash is SHA-256 of the FAB function's dedented source (decorators included; a property's
getter, setter and deleter together).
"""
import hashlib
import importlib
import inspect
import json
import pkgutil
import re
import sys
import textwrap
from functools import cached_property
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = Path(__file__).with_name("fab_overrides.json")
REGENERATE = ".venv/bin/python scripts/fab_tripwire.py"
FAB = "flask_appbuilder"
OURS = "app"

# Our functions whose body is a copy (in whole or in part) of FAB functions: no introspection can
# see that. Add one when you copy FAB code; the FAB side is resolved to the class that defines it.
COPIED = {
    "app.core.views.ScopedModelView._add": ["flask_appbuilder.views.ModelView._add"],
    "app.core.views.ScopedModelView._edit": ["flask_appbuilder.views.ModelView._edit",
                                             "flask_appbuilder.views.ModelView._get_edit_widget"],
    "app.core.views.ScopedModelView._save": ["flask_appbuilder.views.ModelView._add",
                                             "flask_appbuilder.views.ModelView._edit"],
    "app.core.views.ScopedModelView._delete": ["flask_appbuilder.views.ModelView._delete"],
    "app.core.views.ScopedModelView._create_form": ["flask_appbuilder.views.ModelView._init_forms"],
    "app.core.api.ScopedModelRestApi.post_headless": ["flask_appbuilder.api.ModelRestApi.post_headless"],
    "app.core.api.ScopedModelRestApi.put_headless": ["flask_appbuilder.api.ModelRestApi.put_headless"],
    "app.core.api.ScopedModelRestApi.delete_headless": ["flask_appbuilder.api.ModelRestApi.delete_headless"],
    "app.core.api.ScopedModelRestApi._save": ["flask_appbuilder.api.ModelRestApi.post_headless",
                                                "flask_appbuilder.api.ModelRestApi.put_headless"],
    "app.core.dossier_views.DossierMixin.show": ["flask_appbuilder.views.ModelView.show",
                                            "flask_appbuilder.views.ModelView._show"],
    "app.security.views.FondsAuthDBView.login": ["flask_appbuilder.security.views.AuthDBView.login"],
    "app.security.views.FondsAuthDBView._render_login": ["flask_appbuilder.security.views.AuthDBView.login"],
    "app.security.views.FondsUserView.show": ["flask_appbuilder.security.views.UserDBModelView.show"],
    "app.security.manager.FondsSecurityManager.register_views":
        ["flask_appbuilder.security.sqla.manager.SecurityManager.register_views"],
    "app.security.manager.role_permissions":
        ["flask_appbuilder.security.sqla.manager.SecurityManager.find_roles_permission_view_menus",
         "flask_appbuilder.security.sqla.manager.SecurityManager.exist_permission_on_roles"],
}


# --- the pin ---------------------------------------------------------------------------------------
def pinned_fab_version():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = re.match(r"\s*flask[-_.]appbuilder\s*==\s*([^\s;#]+)", line, re.IGNORECASE)
        if match:
            return match.group(1)
    return None


def installed_fab_version():
    return version("flask-appbuilder")


# --- discovery -------------------------------------------------------------------------------------
def _is_fab(obj):
    return _is_fab_module(getattr(obj, "__module__", None) or "")


def _is_fab_module(name):
    return name == FAB or name.startswith(FAB + ".")


def _is_ours(obj):
    module = getattr(obj, "__module__", None) or ""
    return module == OURS or module.startswith(OURS + ".")


def _name(obj):
    return f"{obj.__module__}.{obj.__qualname__}"


def _app_modules():
    package = importlib.import_module(OURS)
    yield package
    for info in pkgutil.walk_packages(package.__path__, OURS + "."):
        yield importlib.import_module(info.name)


def _classes_below(roots):
    """The roots and every class of theirs nested in a class body or subclassing them, transitively."""
    seen, todo = set(), list(roots)
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        todo.extend(type.__subclasses__(cls))
        todo.extend(v for v in vars(cls).values() if inspect.isclass(v))
    return seen


def our_classes(app):
    """Every class of ours that has a FAB class in its MRO."""
    appbuilder = app.appbuilder
    found = set()
    for view in appbuilder.baseviews:
        found.add(type(view))
        if getattr(view, "datamodel", None) is not None:
            found.add(type(view.datamodel))
    found.add(type(appbuilder.sm))
    found.add(appbuilder.sm.user_model)
    modules = list(_app_modules()) + [m for name, m in list(sys.modules.items()) if _is_fab_module(name)]
    for module in modules:
        found.update(v for v in vars(module).values() if inspect.isclass(v) and v.__module__ == module.__name__)
    found = _classes_below(found)
    return {cls for cls in found if _is_ours(cls) and any(_is_fab(base) for base in cls.__mro__)}


def _functions(attribute):
    """The functions whose source is this class attribute's code; [] when it is not code (a plain value)."""
    if isinstance(attribute, (classmethod, staticmethod)):
        attribute = attribute.__func__
    if isinstance(attribute, cached_property):
        attribute = attribute.func
    if inspect.isfunction(attribute):
        return [attribute]
    parts = [getattr(attribute, name, None) for name in ("fget", "fset", "fdel")]  # property, hybrid_property
    return [part for part in parts if inspect.isfunction(part)]


def source_hash(attribute):
    sources = [textwrap.dedent(inspect.getsource(function)) for function in _functions(attribute)]
    return hashlib.sha256("\n".join(sources).encode()).hexdigest()


def _fab_code(attribute):
    """The attribute's functions if it is FAB's own code (not, say, SQLAlchemy's generated __init__)."""
    functions = _functions(attribute)
    return functions if functions and all(_is_fab(inspect.unwrap(f)) for f in functions) else []


def _our_override(attribute):
    """False for code of another library that sits in our class (SQLAlchemy's generated __init__)."""
    functions = _functions(attribute)
    return not functions or any(_is_ours(inspect.unwrap(f)) for f in functions)


def _fab_definer(mro, name):
    """The first FAB class in ``mro`` that defines ``name`` as code, passing over our classes; None
    when a class of another library comes first, or none defines it."""
    for cls in mro:
        if name not in vars(cls):
            continue
        if _is_ours(cls):
            continue
        if _is_fab(cls) and _fab_code(vars(cls)[name]):
            return cls
        return None
    return None


def overrides(classes):
    """(FAB class, name) -> our classes that define that name over FAB's function."""
    found = {}
    for cls in classes:
        mro = cls.__mro__
        for index, ours in enumerate(mro):
            if not _is_ours(ours):
                continue
            for name, attribute in vars(ours).items():
                if not _our_override(attribute):
                    continue
                fab = _fab_definer(mro[index + 1:], name)
                if fab is not None:
                    found.setdefault((fab, name), set()).add(_name(ours))
    return found


def _resolve(dotted):
    """The object a dotted path names (module, then attributes), or None."""
    parts = dotted.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for part in parts[split:]:
                obj = inspect.getattr_static(obj, part)
        except AttributeError:
            return None
        return obj
    return None


def _resolve_fab(dotted):
    """(defining FAB class, name) of a FAB function path such as flask_appbuilder.views.ModelView._add."""
    owner, _, name = dotted.rpartition(".")
    cls = _resolve(owner)
    if not inspect.isclass(cls):
        return None
    for base in cls.__mro__:
        if name in vars(base):
            return (base, name) if _is_fab(base) and _fab_code(vars(base)[name]) else None
    return None


def copies():
    """(FAB class, name) -> our functions that copy it, and the COPIED entries that no longer resolve."""
    found, errors = {}, []
    for ours, fab_paths in COPIED.items():
        if _resolve(ours) is None:
            errors.append(f"COPIED names {ours}, which no longer exists: update COPIED in tests/fab_overrides.py "
                          f"(where did its copy of {', '.join(fab_paths)} go?)")
        for path in fab_paths:
            fab = _resolve_fab(path)
            if fab is None:
                errors.append(f"COPIED says {ours} copies {path}, but FAB has no such function (any more): "
                              f"re-check {ours} against what FAB now does instead, then update COPIED in "
                              f"tests/fab_overrides.py")
            else:
                found.setdefault(fab, set()).add(ours)
    return found, errors


def current_record(app):
    """What the record should hold for the running app and the installed FAB: (record, COPIED errors)."""
    overridden = overrides(our_classes(app))
    copied, errors = copies()
    record = {}
    for fab, name in set(overridden) | set(copied):
        entry = {"sha256": source_hash(vars(fab)[name]),
                 "overridden_by": sorted(overridden.get((fab, name), ()))}
        if (fab, name) in copied:
            entry["copied_by"] = sorted(copied[(fab, name)])
        record[f"{_name(fab)}.{name}"] = entry
    return dict(sorted(record.items())), errors


# --- the committed record --------------------------------------------------------------------------
def read_record(path=RECORD):
    return json.loads(path.read_text()) if path.exists() else {}


def write_record(record, path=RECORD):
    path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")


def _users(key, entry):
    """(our function, how it uses FAB's) for each of our functions behind an entry."""
    method = key.rpartition(".")[2]
    return ([(f"{cls}.{method}", "overrides") for cls in entry.get("overridden_by", [])] +
            [(function, "copies") for function in entry.get("copied_by", [])])


def _listed(users):
    """Our functions and how each uses FAB's: 'a.B.m (overrides and copies it) and a.C.n (copies it)'."""
    hows = {}
    for function, how in users:
        hows.setdefault(function, set()).add(how)
    return " and ".join(f"{function} ({' and '.join(sorted(hows[function], reverse=True))} it)"
                        for function in sorted(hows))


def differences(recorded, current):
    """Every way the committed record and the running code differ, each one sentence saying what to do."""
    regenerate = f"regenerate with `{REGENERATE}`"
    problems = []
    for key in sorted(set(recorded) | set(current)):
        old, new = recorded.get(key) or {}, current.get(key) or {}
        short = ".".join(key.split(".")[-2:])
        if old and new and old["sha256"] != new["sha256"]:
            problems.append(f"FAB's {key} has changed: re-check {_listed(_users(key, new))} against FAB's new "
                            f"{short}, then {regenerate}.")
        added = set(_users(key, new)) - set(_users(key, old))
        gone = set(_users(key, old)) - set(_users(key, new))
        if added:
            problems.append(f"new override or copy of FAB's {key}, not recorded yet: {_listed(added)}: review "
                            f"it against FAB's {short} once, then {regenerate}.")
        if gone:
            still = "FAB still defines it" if _resolve_fab(key) else "FAB no longer defines it"
            problems.append(f"stale entry for FAB's {key}: tests/fab_overrides.json records {_listed(gone)}, "
                            f"which is no longer so ({still}): {regenerate}.")
    return problems
