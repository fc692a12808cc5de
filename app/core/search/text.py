"""Text search as MijnOOM does it (M4.4): case-insensitive, the first letters are enough, `%` is a
wildcard anywhere, and in place names `ij` and `y` are the same letter.

Searchable text is stored a second time in a folded "key" column (lower case, no accents, ij → y),
kept up to date on every write. A prefix then becomes an index range (`key >= 'jan' AND key < 'jao'`),
which both SQLite and PostgreSQL answer from a plain b-tree index; `ILIKE 'Jan%'` cannot use one.
"""
import unicodedata

WILDCARD = "%"


def fold(text):
    """The search key of a text: lower case, accents removed, 'ij' written as 'y', spaces squeezed."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().replace("ij", "y").split())


def prefix_upper_bound(prefix):
    """The smallest string above every string that starts with ``prefix`` ('jan' → 'jao')."""
    for i in range(len(prefix) - 1, -1, -1):
        if ord(prefix[i]) < 0x10FFFF:
            return prefix[:i] + chr(ord(prefix[i]) + 1)
    return None


def escape_like(text):
    return text.replace("\\", "\\\\").replace("_", "\\_")


def text_condition(key_column, typed, folder=None):
    """The WHERE condition for what the user typed, on a folded key column."""
    folder = folder or fold
    folded = folder(typed.replace(WILDCARD, "\x00")).replace("\x00", WILDCARD)
    prefix = folded.split(WILDCARD, 1)[0]
    conditions = []
    if prefix:
        conditions.append(key_column >= prefix)
        upper = prefix_upper_bound(prefix)
        if upper is not None:
            conditions.append(key_column < upper)
    if WILDCARD in folded:
        conditions.append(key_column.like(escape_like(folded.rstrip(WILDCARD)) + WILDCARD, escape="\\"))
    return conditions


def lower(text):
    """For small reference tables searched on lower(column) rather than a stored key."""
    return None if text is None else " ".join(text.lower().split())
