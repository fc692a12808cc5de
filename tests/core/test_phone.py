"""The phone and fax number rule (M6.3.1, M7.3.1): app/core/phone.py, tested without HTTP.

Every example is checked against the phonenumbers metadata too, so a wrong guess about an area code
fails here rather than in production."""
import re

import phonenumbers
import pytest
from flask import Flask
from flask_babel import Babel
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField
from wtforms.validators import ValidationError

from app.core import phone
from app.core.phone import DutchPhone, InvalidPhone, is_fund_format, normalise_phone

EXAMPLE = "bijvoorbeeld (071) 123 45 67, (0252) 12 34 56 of (06) 12 34 56 78"


def digits_of(text):
    return re.sub(r"\D", "", text)


def nl(text):
    return phonenumbers.parse(text, "NL")


# number in the fund's form, what phonenumbers calls it
VALID = [
    ("(071) 123 45 67", phonenumbers.PhoneNumberType.FIXED_LINE),
    ("(020) 123 45 67", phonenumbers.PhoneNumberType.FIXED_LINE),
    ("(010) 123 45 67", phonenumbers.PhoneNumberType.FIXED_LINE),
    ("(0252) 12 34 56", phonenumbers.PhoneNumberType.FIXED_LINE),
    ("(0172) 12 34 56", phonenumbers.PhoneNumberType.FIXED_LINE),
    ("(06) 12 34 56 78", phonenumbers.PhoneNumberType.MOBILE),
    ("(085) 123 45 67", phonenumbers.PhoneNumberType.VOIP),
    ("(091) 123 45 67", phonenumbers.PhoneNumberType.VOIP),
    ("(088) 123 45 67", phonenumbers.PhoneNumberType.UAN),
    ("(0800) 1234", phonenumbers.PhoneNumberType.TOLL_FREE),
    ("(0800) 123 45", phonenumbers.PhoneNumberType.TOLL_FREE),
    ("(0800) 12 34 56", phonenumbers.PhoneNumberType.TOLL_FREE),
    ("(0800) 123 45 67", phonenumbers.PhoneNumberType.TOLL_FREE),
    ("(0900) 1234", phonenumbers.PhoneNumberType.PREMIUM_RATE),
    ("(0900) 123 45 67", phonenumbers.PhoneNumberType.PREMIUM_RATE),
    ("(0906) 12 34 56", phonenumbers.PhoneNumberType.PREMIUM_RATE),
    ("(0909) 123 45", phonenumbers.PhoneNumberType.PREMIUM_RATE),
]


@pytest.mark.parametrize("number, kind", VALID)
def test_valid_numbers_stay_as_they_are(number, kind):
    parsed = nl(digits_of(number))
    assert phonenumbers.is_valid_number(parsed)
    assert phonenumbers.number_type(parsed) == kind
    prefix = re.match(r"\((\d+)\)", number).group(1)
    assert len(prefix) == 1 + phonenumbers.length_of_national_destination_code(parsed)
    assert normalise_phone(number) == number
    assert is_fund_format(number)


@pytest.mark.parametrize("number, area_code_length", [
    ("(071) 123 45 67", 2), ("(020) 123 45 67", 2), ("(010) 123 45 67", 2),
    ("(0252) 12 34 56", 3), ("(0172) 12 34 56", 3),
])
def test_area_code_lengths_are_those_of_phonenumbers(number, area_code_length):
    assert phonenumbers.length_of_geographical_area_code(nl(digits_of(number))) == area_code_length


NORMALISABLE = [
    ("0711234567", "(071) 123 45 67"),
    ("071-1234567", "(071) 123 45 67"),
    ("071 1234567", "(071) 123 45 67"),
    ("+31 71 123 4567", "(071) 123 45 67"),
    ("0031711234567", "(071) 123 45 67"),
    ("(071)1234567", "(071) 123 45 67"),
    ("071/123.45.67", "(071) 123 45 67"),
    ("  071 - 123 45 67  ", "(071) 123 45 67"),
    ("+31 (0)71 123 4567", "(071) 123 45 67"),
    ("0031 (0)71-1234567", "(071) 123 45 67"),
    ("(+31) 71 1234567", "(071) 123 45 67"),
    ("0252 123456", "(0252) 12 34 56"),
    ("0252-12.34.56", "(0252) 12 34 56"),
    ("+31252123456", "(0252) 12 34 56"),
    ("0612345678", "(06) 12 34 56 78"),
    ("06-12345678", "(06) 12 34 56 78"),
    ("+31612345678", "(06) 12 34 56 78"),
    ("06 1234 5678", "(06) 12 34 56 78"),
    ("088-1234567", "(088) 123 45 67"),
    ("0800-1234", "(0800) 1234"),
    ("0800 1234567", "(0800) 123 45 67"),
    ("0900-123456", "(0900) 12 34 56"),
]


@pytest.mark.parametrize("raw, expected", NORMALISABLE)
def test_normalisable_inputs(raw, expected):
    assert phonenumbers.is_valid_number(nl(raw))
    assert normalise_phone(raw) == expected
    assert not is_fund_format(raw)
    assert is_fund_format(expected)


INVALID = [
    ("(0252) 123 45 67", phone.TOO_MANY_DIGITS),  # 4-digit area code + 7 digits = 11 digits
    ("071123456789", phone.TOO_MANY_DIGITS),
    ("06 123 456 789", phone.TOO_MANY_DIGITS),
    ("12345", phone.TOO_FEW_DIGITS),
    ("071 123 456", phone.TOO_FEW_DIGITS),
    ("71 123 4567", phone.TOO_FEW_DIGITS),  # the 0 left out
    ("+31 71 123 456", phone.TOO_FEW_DIGITS),
    ("abc", phone.LETTERS),
    ("071-12a4567", phone.LETTERS),
    ("071 123 45 67 toestel 12", phone.LETTERS),
    ("071 123 45 67 #2", phone.CHARACTERS),
    ("071+1234567", phone.CHARACTERS),
    ("071*1234567", phone.CHARACTERS),
    ("0000000000", phone.NOT_EXISTING),
    ("0590 123456", phone.NOT_EXISTING),  # 0590 is no area code
    ("7112345678", phone.NOT_EXISTING),  # 10 digits, but no 0 in front
    ("+999 1234", phone.NOT_EXISTING),  # no such country code
    ("0800 123", phone.SERVICE_LENGTH),
    ("0900 12345678", phone.SERVICE_LENGTH),
    ("+32 9 123 45 67", phone.FOREIGN),
    ("0049 30 12", phone.FOREIGN),
]


@pytest.mark.parametrize("raw, reason", INVALID)
def test_invalid_numbers_are_refused_with_a_reason(raw, reason):
    with pytest.raises(InvalidPhone) as caught:
        normalise_phone(raw)
    assert caught.value.reason == reason
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == caught.value.message
    assert not is_fund_format(raw)


@pytest.mark.parametrize("raw", ["(0252) 123 45 67", "071123456789", "12345", "0590 123456", "0000000000",
                                 "+32 9 123 45 67", "0800 123"])
def test_phonenumbers_agrees_these_cannot_exist(raw):
    try:
        parsed = phonenumbers.parse(raw, "NL")
    except phonenumbers.NumberParseException:
        return
    assert not phonenumbers.is_valid_number(parsed)


@pytest.mark.parametrize("raw, words", [
    ("(0252) 123 45 67", ["te veel cijfers", "10 cijfers", EXAMPLE]),
    ("12345", ["te weinig cijfers", "10 cijfers", EXAMPLE]),
    ("abc", ["letters", EXAMPLE]),
    ("071 123 45 67 #2", ["tekens", EXAMPLE]),
    ("0000000000", ["bestaat niet", "kengetal", EXAMPLE]),
    ("0800 123", ["4 tot 7", "(0800) 1234", "(0900) 123 45 67"]),
    ("+32 9 123 45 67", ["buitenlandse", "+32 9 223 45 67"]),
])
def test_messages_are_dutch_and_show_the_right_form(raw, words):
    with pytest.raises(InvalidPhone) as caught:
        normalise_phone(raw)
    for word in words:
        assert word in caught.value.message


def test_each_reason_has_its_own_message():
    messages = [InvalidPhone(reason).message for reason in phone._MESSAGES]
    assert len(set(messages)) == len(messages)


@pytest.mark.parametrize("reason", sorted(phone._MESSAGES))
def test_examples_in_messages_are_in_the_fund_form(reason):
    message = InvalidPhone(reason).message
    examples = re.findall(r"\(0\d+\)(?: \d+)+|\+\d+(?: \d+)+", message)
    assert examples
    for example in examples:
        assert is_fund_format(example), example


def test_service_length_message_agrees_with_phonenumbers():
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("NL")
    for description in (metadata.toll_free, metadata.premium_rate):
        # national number without the 0, prefix 800/900 of 3 digits: 4 to 7 more digits
        assert (min(description.possible_length) - 3, max(description.possible_length) - 3) == (4, 7)


def test_every_dutch_area_code_gets_the_right_grouping():
    """Every prefix phonenumbers knows as a fixed-line area code: 3 digits → 3-2-2, 4 digits → 2-2-2."""
    seen = {2: 0, 3: 0}
    for prefix in range(100, 1000):
        digits = f"0{prefix}123456"
        parsed = nl(digits)
        if not phonenumbers.is_valid_number(parsed):
            continue
        if phonenumbers.number_type(parsed) != phonenumbers.PhoneNumberType.FIXED_LINE:
            continue
        area = phonenumbers.length_of_geographical_area_code(parsed)
        pattern = r"\(0\d{2}\) \d{3} \d{2} \d{2}" if area == 2 else r"\(0\d{3}\) \d{2} \d{2} \d{2}"
        assert re.fullmatch(pattern, normalise_phone(digits)), digits
        seen[area] += 1
    assert seen[2] > 20 and seen[3] > 100


@pytest.mark.parametrize("raw, expected", [
    ("+32 9 223 45 67", "+32 9 223 45 67"),
    ("+3292234567", "+32 9 223 45 67"),
    ("0032 470 12 34 56", "+32 470 12 34 56"),
    ("+49 (30) 123456", "+49 30 123456"),
    ("0049 2821-123456", "+49 2821 123456"),
])
def test_foreign_numbers_in_international_form(raw, expected):
    parsed = phonenumbers.parse("+" + digits_of(raw).removeprefix("00"), None)
    assert phonenumbers.is_valid_number(parsed)
    assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL) == expected
    assert normalise_phone(raw) == expected
    assert is_fund_format(expected)


@pytest.mark.parametrize("raw", ["", "   ", "\t", None])
def test_empty_is_empty(raw):
    assert normalise_phone(raw) == ""
    assert not is_fund_format(raw)


@pytest.mark.parametrize("text", ["(071) 123 45 67 ", "(071)  123 45 67", "(071) 1234567", "071 123 45 67",
                                  "(06) 1234 5678", "(0252) 123 456", 712345678])
def test_almost_the_fund_form_is_not_the_fund_form(text):
    assert not is_fund_format(text)


@pytest.mark.parametrize("digits, grouped", [
    ("123", "123"), ("1234", "1234"), ("12345", "123 45"), ("123456", "12 34 56"),
    ("1234567", "123 45 67"), ("12345678", "12 34 56 78"),
])
def test_group_digits(digits, grouped):
    assert phone.group_digits(digits) == grouped


class PhoneForm(Form):
    phone = StringField("Telefoon", validators=[DutchPhone()])
    fax = StringField("Fax", validators=[DutchPhone()])


@pytest.mark.parametrize("raw, expected", [
    ("0711234567", "(071) 123 45 67"),
    ("+31 6 12345678", "(06) 12 34 56 78"),
    ("(0252) 12 34 56", "(0252) 12 34 56"),
    ("", ""),
    ("   ", ""),
])
def test_validator_normalises_field_data(raw, expected):
    form = PhoneForm(MultiDict({"phone": raw, "fax": "0252-123456"}))
    assert form.validate(), form.errors
    assert form.phone.data == expected
    assert form.fax.data == "(0252) 12 34 56"


def test_validator_refuses_with_the_dutch_message():
    form = PhoneForm(MultiDict({"phone": "(0252) 123 45 67", "fax": "abc"}))
    assert not form.validate()
    assert form.phone.errors[0].startswith("Dit telefoonnummer heeft te veel cijfers.")
    assert EXAMPLE in form.phone.errors[0]
    assert form.fax.errors[0].startswith("Een telefoonnummer bestaat alleen uit cijfers")
    assert form.phone.data == "(0252) 123 45 67"  # left as typed, to be corrected


def test_validator_called_directly():
    form = PhoneForm()
    form.phone.data = "071 1234567"
    DutchPhone()(form, form.phone)
    assert form.phone.data == "(071) 123 45 67"
    form.phone.data = None
    DutchPhone()(form, form.phone)
    assert form.phone.data is None
    form.phone.data = "071-12a4567"
    with pytest.raises(ValidationError, match="haal de letters weg"):
        DutchPhone()(form, form.phone)


def test_messages_outside_any_app():
    assert InvalidPhone(phone.TOO_FEW_DIGITS).message.startswith("Dit telefoonnummer heeft te weinig cijfers.")


def test_messages_in_a_request_with_babel():
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        assert InvalidPhone(phone.LETTERS).message.startswith("Een telefoonnummer bestaat alleen uit cijfers")


def test_messages_in_an_app_without_babel_fall_back_to_dutch():
    app = Flask(__name__)
    with app.app_context():
        assert InvalidPhone(phone.FOREIGN).message.startswith("Dit buitenlandse telefoonnummer klopt niet.")
