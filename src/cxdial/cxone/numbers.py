"""The client's one phone-number normaliser: E.164 for CXone, and comparing two addresses.

CXone takes E.164 on the way in and may report addresses in other forms on the way out
(``+12025550143``, ``12025550143``, ``2025550143``). Both directions use
:func:`e164_or_none` (``phonenumbers``, any country it knows), so a number is checked and
compared by one rule. ``phonenumbers`` is imported on first use.
"""

from __future__ import annotations

from cxdial.errors import ValidationError

__all__ = ["e164_or_none", "same_number", "to_e164"]

_FORMAT_FIX = "give a number in E.164 form, e.g. +12025550143"


def e164_or_none(text: str | None, *, default_region: str = "US") -> str | None:
    """``text`` as E.164 when it is a valid number (national forms read in ``default_region``)."""
    import phonenumbers

    if not text or not text.strip():
        return None
    try:
        parsed = phonenumbers.parse(text.strip(), default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def to_e164(value: str, *, field: str, default_region: str = "US") -> str:
    """``value`` as E.164 (``+12025550143``), or :class:`ValidationError` naming ``field``.

    A number that parses but is not a valid, dialable number anywhere is refused rather
    than passed on to CXone.
    """
    import phonenumbers

    text = (value or "").strip()
    if not text:
        raise ValidationError(f"{field} is empty", field=field, fix=_FORMAT_FIX)
    try:
        phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            f"{field} {text!r} is not a phone number ({exc})", field=field, fix=_FORMAT_FIX
        ) from exc
    number = e164_or_none(text, default_region=default_region)
    if number is None:
        raise ValidationError(
            f"{field} {text!r} is not a valid, dialable number",
            field=field,
            fix="check the country code and the number of digits (E.164, e.g. +12025550143)",
        )
    return number


def same_number(reported: str | None, dialed: str) -> bool:
    """Whether the address CXone ``reported`` is the number ``dialed`` (E.164).

    An address that does not normalise is compared by its digits, so a form the
    normaliser does not know can still match, and never matches a different number.
    """
    normal = e164_or_none(reported)
    if normal is not None:
        return normal == dialed
    digits = "".join(ch for ch in reported or "" if ch.isdigit())
    return bool(digits) and dialed.lstrip("+").endswith(digits) and len(digits) >= 7
