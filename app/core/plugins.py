"""How a domain plugs in: by a module of a known name in its own folder, which registers what it brings
when imported — ``tabs`` (its dossier tabs), ``demo`` (its demo data). The application imports these
once at start-up; core never names a domain (Django's admin autodiscovery works the same way)."""
import importlib
import importlib.util
import pkgutil

NOT_DOMAINS = frozenset({"core", "security", "templates", "static"})


def domains():
    import app

    return sorted(info.name for info in pkgutil.iter_modules(app.__path__)
                  if info.ispkg and info.name not in NOT_DOMAINS)


def discover(module_name):
    """Import ``app.<domain>.<module_name>`` for every domain that has one; returns their names."""
    found = []
    for domain in domains():
        name = f"app.{domain}.{module_name}"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
            found.append(name)
    return found
