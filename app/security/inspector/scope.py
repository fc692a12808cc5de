"""Which rows a user reaches, and why, in words: one line per ``Reach`` of app.security.scoping's
``scope_explanation`` — the very objects the real filter is combined from — each asked of the
database with its own clause when a record is named."""
from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.security.inspector.answers import ScopeRule
from app.security.inspector.grants import model_label
from app.security.inspector.words import describe_values, kind_label, roles_text, row_label
from app.security.roles import ALL, ROLE_SCOPE
from app.security.scoping import READ, rule_of, scope_explanation, scope_kinds, scope_values



def roles_by_kind(user):
    """Scope kind → names of the user's roles that give it (ROLE_SCOPE, as scope_kinds reads it)."""
    result = defaultdict(list)
    for role in user.roles:
        if role.name in ROLE_SCOPE:
            result[ROLE_SCOPE[role.name]].append(role.name)
    return result


def row_matches(model, pk, clause):
    """Whether row ``pk`` satisfies ``clause`` (None: no limit), asked of the database."""
    query = select(model.id).where(model.id == pk)
    if clause is not None:
        query = query.where(clause)
    return db.session.execute(query.limit(1)).first() is not None


def position(model, row, kind):
    """Where ``row`` lies for ``kind``, in words: "regio Zuid-Holland Noord", or through its parent:
    "via bedrijf 100004 Naam (company_id): regio Zuid-Holland Noord"."""
    rule = rule_of(model)
    if kind in rule.columns:
        value = getattr(row, rule.columns[kind])
        return describe_values(kind, [value]) or _("geen %(kind)s", kind=kind_label(kind))
    if rule.via:
        fk_name, parent = rule.via
        parent_id = getattr(row, fk_name)
        parent_row = db.session.get(parent, parent_id) if parent_id is not None else None
        if parent_row is None:
            return _("via %(column)s: geen %(parent)s", column=fk_name, parent=model_label(parent))
        return _("via %(parent)s (%(column)s): %(position)s", parent=row_label(parent_row), column=fk_name,
                 position=position(parent, parent_row, kind))
    return _("niet gekoppeld aan een %(kind)s", kind=kind_label(kind))


def user_scope(user):
    """The user's scope in general, per kind: "Scope regio (rol Bedrijfstakvoorlichter): regio …"."""
    by_kind = roles_by_kind(user)
    kinds = scope_kinds(user)
    if ALL in kinds:
        return [_("Scope alles (%(roles)s): ziet alle gegevens, zonder beperking.", roles=roles_text(by_kind[ALL]))]
    lines = [_("Scope %(kind)s (%(roles)s): %(values)s", kind=kind_label(kind), roles=roles_text(by_kind[kind]),
               values=describe_values(kind, scope_values(user, kind)) or _("geen %(kind)s gekoppeld",
                                                                             kind=kind_label(kind)))
             for kind in sorted(kinds)]
    return lines or [_("Geen van de rollen van deze gebruiker geeft toegang tot rijen.")]


def scope_rules(user, model, action=READ, pk=None):
    """How the user reaches rows of ``model`` for ``action`` (and whether record ``pk`` is among them)."""
    row = db.session.get(model, pk) if pk is not None else None
    by_kind = roles_by_kind(user)
    rules = [_rule(reach, user, model, row, by_kind) for reach in scope_explanation(user, model, action)]
    if not rules:
        rules.append(ScopeRule("none", _("Geen van de rollen van deze gebruiker geeft toegang tot rijen."),
                               False if row is not None else None))
    return rules


def _rule(reach, user, model, row, by_kind):
    matches = None if row is None else row_matches(model, row.id, reach.clause)
    kind, roles = reach.kind, roles_text(by_kind.get(reach.kind, []))
    if reach.how == "private":
        text = _("Privé: alleen de eigenaar (%(column)s) ziet dit gegeven, ook medewerkers van het fonds en "
                 "beheerders niet.", column=reach.column)
        if row is not None:
            text += " " + (_("Deze gebruiker is de eigenaar.") if matches else _("Deze gebruiker is niet de eigenaar."))
        return ScopeRule("private", text, matches)
    if reach.how == "all":
        return ScopeRule(ALL, _("Scope alles (%(roles)s): ziet alle gegevens, zonder beperking.", roles=roles), matches)
    if reach.how == "owner":
        if row is None:
            text = _("Eigenaar (%(column)s): ook de eigen gegevens van de gebruiker.", column=reach.column)
        elif matches:
            text = _("Eigenaar (%(column)s): dit gegeven is van de gebruiker zelf.", column=reach.column)
        else:
            text = _("Eigenaar (%(column)s): dit gegeven is van iemand anders.", column=reach.column)
        return ScopeRule("owner", text, matches)
    if reach.how == "open":
        return ScopeRule(kind, _("Scope %(kind)s (%(roles)s): iedereen met scope %(kind)s mag dit soort gegeven "
                                 "lezen; alle rijen zijn zichtbaar.", kind=kind_label(kind), roles=roles), matches)
    if reach.how == "nothing":
        return ScopeRule(kind, _("Scope %(kind)s (%(roles)s): geen rijen via deze scope (geen %(kind)s gekoppeld, "
                                 "of dit soort gegeven is er niet via te bereiken).",
                                 kind=kind_label(kind), roles=roles), matches)
    have = describe_values(kind, scope_values(user, kind)) or _("geen %(kind)s gekoppeld", kind=kind_label(kind))
    if reach.how == "grant":
        link = reach.grant.link_model()
        text = _("Scope %(kind)s (%(roles)s): de gebruiker heeft %(values)s; toegang via een tijdelijke koppeling "
                 "(%(link)s) zolang die loopt", kind=kind_label(kind), roles=roles, values=have,
                 link=model_label(link))
    elif row is None:
        inherited = _(" (geërfd via %(parent)s, %(column)s)", parent=model_label(reach.parent), column=reach.column) \
            if reach.how == "via" else ""
        return ScopeRule(kind, _("Scope %(kind)s (%(roles)s): de rijen van %(values)s%(via)s",
                                 kind=kind_label(kind), roles=roles, values=have, via=inherited))
    else:
        text = _("Scope %(kind)s (%(roles)s): de gebruiker heeft %(values)s; dit gegeven: %(position)s",
                 kind=kind_label(kind), roles=roles, values=have, position=position(model, row, kind))
    if row is not None:
        text += " — " + (_("past") if matches else _("past niet"))
    return ScopeRule(kind, text + ".", matches)
