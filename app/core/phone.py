"""Dutch telephone and fax numbers in the fund's form (MijnOOM manual M6.3.1, M7.3.1).

The manual's rule: "Kengetal tussen haakjes; de cijfers van een zevencijferig abonneenummer in
groepjes van 3-2-2 (xxx xx xx); de cijfers van een zescijferig abonneenummer in groepjes van 2-2-2
(xx xx xx)". The same rule holds for fax numbers.

A Dutch number has 10 digits nationally: a 0 and 9 more. How many of them belong to the area code
(kengetal) comes from the ``phonenumbers`` metadata, not from a list of our own:

=========================================  ===================  ======================
kind                                       example              subscriber grouping
=========================================  ===================  ======================
3-digit area code (010, 020, 071, ...)     (071) 123 45 67      7 digits: 3-2-2
4-digit area code (0252, 0172, ...)        (0252) 12 34 56      6 digits: 2-2-2
mobile (06)                                (06) 12 34 56 78     8 digits: 2-2-2-2
non-geographic (084, 085, 087, 088, 091)   (088) 123 45 67      7 digits: 3-2-2
service (0800, 0900, 0906, 0909)           (0800) 1234          see below
=========================================  ===================  ======================

So ``(0252) 123 45 67`` is wrong: a 4-digit area code leaves a 6-digit subscriber number, and that
number has 11 digits.

Service numbers (0800, 0900, 0906, 0909) have a 4-digit prefix and 4 to 7 more digits (what
``phonenumbers`` accepts; the prefix is written like an area code). Our grouping decision: up to 4
digits stay one block, as these short numbers are said as one (``(0800) 1234``); longer ones follow
the general rule: an odd count starts with a group of 3, then pairs (``(0900) 123 45``,
``(0800) 123 45 67``); an even count is pairs (``(0800) 12 34 56``).

Input may carry ``+31`` or ``0031`` (with or without the ``(0)`` that people write after it) and
spaces, dashes, dots, slashes and brackets anywhere: these are normalised away. Numbers of other
countries (Dutch companies near the border have Belgian or German numbers) are accepted when
``phonenumbers`` finds them valid and kept in international form, e.g. ``+32 9 223 45 67``.
Not accepted: Dutch numbers without the 0 (``71 123 4567``), the short municipal 14-numbers and the
12-digit machine numbers (097).

Plain Python, tested without HTTP: :func:`normalise_phone`, :func:`is_fund_format` and the WTForms
validator :class:`DutchPhone`, which replaces the field's data with the normalised form on save.
"""
import re

import phonenumbers
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

NL_COUNTRY_CODE = 31
SEPARATORS = " \t\u00a0-\u2013./()"

# Why a number was refused (InvalidPhone.reason).
TOO_FEW_DIGITS = "too_few_digits"
TOO_MANY_DIGITS = "too_many_digits"
SERVICE_LENGTH = "service_length"
LETTERS = "letters"
CHARACTERS = "characters"
FOREIGN = "foreign"
NOT_EXISTING = "not_existing"

_MESSAGES = {
    TOO_FEW_DIGITS: _l(
        "Dit telefoonnummer heeft te weinig cijfers. Een Nederlands nummer heeft 10 cijfers, het kengetal "
        "meegeteld. Schrijf het kengetal tussen haakjes en de cijfers in groepjes, bijvoorbeeld "
        "(071) 123 45 67, (0252) 12 34 56 of (06) 12 34 56 78."),
    TOO_MANY_DIGITS: _l(
        "Dit telefoonnummer heeft te veel cijfers. Een Nederlands nummer heeft 10 cijfers, het kengetal "
        "meegeteld: na een kengetal van drie cijfers komen er zeven, na een kengetal van vier cijfers zes. "
        "Schrijf het kengetal tussen haakjes en de cijfers in groepjes, bijvoorbeeld (071) 123 45 67, "
        "(0252) 12 34 56 of (06) 12 34 56 78."),
    SERVICE_LENGTH: _l(
        "Dit servicenummer heeft te weinig of te veel cijfers. Na 0800, 0900, 0906 of 0909 komen 4 tot 7 "
        "cijfers, bijvoorbeeld (0800) 1234 of (0900) 123 45 67."),
    LETTERS: _l(
        "Een telefoonnummer bestaat alleen uit cijfers; haal de letters weg. Schrijf het kengetal tussen "
        "haakjes en de cijfers in groepjes, bijvoorbeeld (071) 123 45 67, (0252) 12 34 56 of "
        "(06) 12 34 56 78."),
    CHARACTERS: _l(
        "Dit telefoonnummer bevat tekens die er niet in horen. Gebruik alleen cijfers, schrijf het kengetal "
        "tussen haakjes en de cijfers in groepjes, bijvoorbeeld (071) 123 45 67, (0252) 12 34 56 of "
        "(06) 12 34 56 78."),
    FOREIGN: _l(
        "Dit buitenlandse telefoonnummer klopt niet. Schrijf een buitenlands nummer met + en het landnummer, "
        "bijvoorbeeld +32 9 223 45 67 of +49 30 123456."),
    NOT_EXISTING: _l(
        "Dit telefoonnummer bestaat niet: controleer het kengetal. Schrijf het kengetal tussen haakjes en de "
        "cijfers in groepjes, bijvoorbeeld (071) 123 45 67, (0252) 12 34 56 of (06) 12 34 56 78."),
}


class InvalidPhone(ValueError):
    """A number that cannot be put in the fund's form. ``reason`` is one of the constants above;
    ``message`` is the Dutch (or translated) sentence for the user, showing the right form."""

    def __init__(self, reason):
        self.reason = reason
        self.message = _text(_MESSAGES[reason])
        super().__init__(self.message)


def _text(lazy):
    """A lazy string as text, evaluated now: translated inside a request, the Dutch source text
    outside an app. An app without Babel makes flask_babel raise KeyError('babel'): then the source."""
    try:
        return str(lazy)
    except KeyError:
        return lazy._args[0]


def normalise_phone(raw):
    """The number in the fund's form, "" for empty input; InvalidPhone if it cannot be normalised."""
    text = (raw or "").strip()
    if not text:
        return ""
    _check_characters(text)
    digits = re.sub(r"\D", "", text)
    international = _international_digits(text, digits)
    if international is None:
        return _dutch(digits)
    if international.startswith(str(NL_COUNTRY_CODE)):
        national = international[len(str(NL_COUNTRY_CODE)):]
        return _dutch("0" + national[1:] if national.startswith("0") else "0" + national)
    return _foreign(international)


def is_fund_format(text):
    """Whether the text is already exactly in the fund's form (foreign numbers: in international form).
    Empty text is not a number, so not in the form."""
    if not isinstance(text, str) or not text.strip():
        return False
    try:
        return normalise_phone(text) == text
    except InvalidPhone:
        return False


class DutchPhone:
    """WTForms validator: an empty field is left alone; otherwise field.data becomes the fund's form,
    or ValidationError with the Dutch message."""

    def __call__(self, form, field):
        if field.data is None or field.data == "":
            return
        try:
            field.data = normalise_phone(field.data)
        except InvalidPhone as error:
            raise ValidationError(error.message) from error


def _check_characters(text):
    """Only digits, separators and one leading + (letters and other signs have their own message)."""
    for position, char in enumerate(text):
        if char.isdigit() and char.isascii() or char in SEPARATORS:
            continue
        if char == "+" and not re.sub(rf"[{re.escape(SEPARATORS)}]", "", text[:position]):
            continue
        raise InvalidPhone(LETTERS if char.isalpha() else CHARACTERS)


def _international_digits(text, digits):
    """The digits after + or 00 (country code first), or None for a number in national form."""
    if text.lstrip(SEPARATORS).startswith("+"):
        return digits
    if digits.startswith("00"):
        return digits[2:]
    return None


def _dutch(digits):
    lengths = _allowed_lengths(digits)
    if len(digits) < min(lengths):
        raise InvalidPhone(SERVICE_LENGTH if _is_service(digits) else TOO_FEW_DIGITS)
    if len(digits) > max(lengths):
        raise InvalidPhone(SERVICE_LENGTH if _is_service(digits) else TOO_MANY_DIGITS)
    number = _parse(digits, "NL") if digits.startswith("0") else None
    if number is None or not phonenumbers.is_valid_number(number) or number.country_code != NL_COUNTRY_CODE:
        raise InvalidPhone(NOT_EXISTING)
    prefix_length = 1 + phonenumbers.length_of_national_destination_code(number)
    if prefix_length < 2:
        raise InvalidPhone(NOT_EXISTING)
    return f"({digits[:prefix_length]}) {group_digits(digits[prefix_length:])}"


def _foreign(international):
    number = _parse("+" + international, None)
    if number is None or phonenumbers.region_code_for_country_code(number.country_code) == "ZZ":
        raise InvalidPhone(NOT_EXISTING)
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(FOREIGN)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _parse(text, region):
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def group_digits(digits):
    """The subscriber digits in groups: up to 4 as one block, otherwise pairs, led by a group of 3
    when the count is odd (7: 3-2-2, 6: 2-2-2, 8: 2-2-2-2, 5: 3-2)."""
    if len(digits) <= 4:
        return digits
    head = 3 if len(digits) % 2 else 2
    return " ".join([digits[:head]] + [digits[i:i + 2] for i in range(head, len(digits), 2)])


SERVICE_PREFIXES = ("0800", "0900", "0906", "0909")


def _is_service(digits):
    """0800 (free) and 0900/0906/0909 (paid): their lengths vary, unlike every other Dutch number."""
    return digits.startswith(SERVICE_PREFIXES)


def _allowed_lengths(digits):
    """All digits counted, the 0 included: from the phonenumbers metadata for service numbers, else 10."""
    if not _is_service(digits):
        return (10,)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("NL")
    description = metadata.toll_free if digits.startswith("0800") else metadata.premium_rate
    return tuple(1 + length for length in description.possible_length)
