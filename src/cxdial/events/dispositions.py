"""Dispositions that are compliance facts: a revoked consent, a do-not-call request.

An agent (or the script) closes a call with a disposition; some of them mean the person
asked not to be called. :class:`DispositionRules` says which: names (or numeric ids, kept
as text) compared without case or surrounding blanks. The event consumer records, in the
event's transaction,

* a **revocation** disposition as a consent revocation record (``consent_records``:
  revoked at the event's ``occurred_at``, ``revocation_channel`` ``call``, the event id as
  evidence, any seller, every purpose and channel) — 47 CFR 64.1200(a)(10): consent may be
  revoked by any reasonable means, and the gate blocks from that instant
  (``federal.consent.revocation``, ``canada.consent.revocation``);
* a **do-not-call** disposition as an entry of the company's internal do-not-call list
  (``internal_dnc``) — 47 CFR 64.1200(d) and the CRTC's internal list, honoured for every
  purpose (``federal.dnc.internal``, ``canada.dnc.internal``). A consent revocation does
  not stop calls that need no consent (a live informational call to a landline); a
  do-not-call request does, so the two are kept apart.

Settings: ``CXDIAL_REVOCATION_DISPOSITIONS`` and ``CXDIAL_DNC_DISPOSITIONS``,
comma-separated (empty: none). A polled or looked-up record names its disposition by id
only (``primaryDispositionId``), so list the id beside the name (``Revoked Consent,9``)
for a disposition the pushes missed to be recognised.

Whichever path brings a call's disposition — a pushed ``disposition.set``, or a
disposition carried by a pushed, polled or reconciled end — the consumer applies it once
(:func:`compare` says how a later one relates to the call's current disposition):

* the first is recorded (as above), handed to the re-screen job and published to the
  ``disposition.set`` subscribers; the business key (contact id + ``disposition.set``) is
  claimed, so the push arriving after the poll, or the poll repeating, is a duplicate;
* the same disposition again (compared without case or blanks) is a duplicate, within the
  24 h window and after it (the call row keeps the value);
* a **different** one of the same form (two ids, or two names), newer than the current
  one, is a **re-disposition** (an agent or supervisor corrected it): the call takes it and
  subscribers get a new ``disposition.set`` carrying ``previous_disposition`` — a CRM keeps
  the latest disposition, as CXone does; an older one is stale and ignored;
* a name against an id (a script pushing names, the poll reading ids) cannot be told apart
  and is taken as the same disposition in the other spelling: nothing is published;
* in every case but the same one repeated, a disposition whose kind (revocation, do-not-call)
  the call's current disposition does not have is recorded, even when stale or re-spelled:
  a revocation once expressed is never dropped, nor withdrawn by a later disposition
  (undoing one takes a new consent record).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

__all__ = [
    "DEFAULT_DNC",
    "DEFAULT_REVOCATION",
    "DISPOSITION_ENV",
    "Change",
    "DispositionKind",
    "DispositionRules",
    "compare",
]

DispositionKind = Literal["revocation", "dnc"]
Change = Literal["new", "same", "changed", "stale", "respelled"]
"""How a disposition relates to the call's current one (:func:`compare`)."""

DEFAULT_REVOCATION = ("revoked consent", "consent revoked", "revoke consent")
DEFAULT_DNC = ("do not call", "do-not-call", "dnc")
DISPOSITION_ENV = {
    "revocation": "CXDIAL_REVOCATION_DISPOSITIONS",
    "dnc": "CXDIAL_DNC_DISPOSITIONS",
}


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class DispositionRules:
    """Which disposition names (or ids) are revocations and which are do-not-call requests."""

    revocation: frozenset[str] = frozenset(_norm(n) for n in DEFAULT_REVOCATION)
    dnc: frozenset[str] = frozenset(_norm(n) for n in DEFAULT_DNC)

    @classmethod
    def of(cls, *, revocation: Iterable[str], dnc: Iterable[str]) -> DispositionRules:
        """Rules from names as written (case and blanks do not matter)."""
        return cls(
            frozenset(_norm(n) for n in revocation if n.strip()),
            frozenset(_norm(n) for n in dnc if n.strip()),
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DispositionRules:
        """The two variables (comma-separated); an unset one keeps its defaults."""
        names: dict[str, Iterable[str]] = {
            "revocation": DEFAULT_REVOCATION,
            "dnc": DEFAULT_DNC,
        }
        for kind, var in DISPOSITION_ENV.items():
            if var in env:
                names[kind] = env[var].split(",")
        return cls.of(revocation=names["revocation"], dnc=names["dnc"])

    def kind(self, disposition: str | None) -> DispositionKind | None:
        """What ``disposition`` records (a do-not-call request wins when listed as both)."""
        if disposition is None:
            return None
        name = _norm(disposition)
        if name in self.dnc:
            return "dnc"
        if name in self.revocation:
            return "revocation"
        return None


def _is_id(name: str) -> bool:
    return name.strip().isdigit()


def compare(
    current: str | None, current_at: datetime | None, value: str, value_at: datetime
) -> Change:
    """How ``value`` (as of ``value_at``) relates to a call's ``current`` disposition
    (as of ``current_at``, None when unknown): ``new`` (none yet), ``same``, ``respelled``
    (a name against an id), ``stale`` (different, but not newer) or ``changed``."""
    if current is None:
        return "new"
    if _norm(current) == _norm(value):
        return "same"
    if _is_id(current) != _is_id(value):
        return "respelled"
    if current_at is not None and value_at <= current_at:
        return "stale"
    return "changed"
