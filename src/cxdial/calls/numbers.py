"""E.164 checks for the numbers of an ad-hoc call (any country ``phonenumbers`` knows)."""

from __future__ import annotations

import phonenumbers

from cxdial.errors import ValidationError

__all__ = ["to_e164"]


def to_e164(value: str, *, field: str, default_region: str = "US") -> str:
    """``value`` as E.164 (``+12025550143``), or :class:`ValidationError` naming ``field``.

    National formats are read in ``default_region``; a number that parses but is not a
    valid, dialable number anywhere is refused rather than passed on to CXone.
    """
    text = (value or "").strip()
    if not text:
        raise ValidationError(
            f"{field} is empty", field=field, fix="give a number in E.164 form, e.g. +12025550143"
        )
    try:
        parsed = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            f"{field} {text!r} is not a phone number ({exc})",
            field=field,
            fix="give a number in E.164 form, e.g. +12025550143",
        ) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            f"{field} {text!r} is not a valid, dialable number",
            field=field,
            fix="check the country code and the number of digits (E.164, e.g. +12025550143)",
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
