"""``cxdial screen --consent FILE --rnd FILE``: consent records and RND results from files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cxdial.cli import main


def test_screen_reads_consent_records_and_rnd_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A record lifts NO_CONSENT; a disconnection after the consent gives REASSIGNED_NUMBER."""
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "id,phone,phone_type,state,postal_code\n"
        "a,2125550142,mobile,NY,10001\n"
        "b,2125550143,mobile,NY,10001\n"
        "c,2125550144,mobile,NY,10001\n"
    )
    consent = tmp_path / "consent.json"
    consent.write_text(
        json.dumps(
            [
                {"phone": p, "method": "ivr", "evidence_id": f"E{p[-1]}", "given_at": "2025-01-02"}
                for p in ("2125550142", "2125550143")
            ]
        )
    )
    rnd = tmp_path / "rnd.csv"
    rnd.write_text("phone,date,result\n2125550143,2025-01-02,yes\n2125550142,2025-01-02,no\n")
    args = ["screen", str(contacts), "--at", "2026-06-01T16:00:00Z", "--purpose"]
    code = main([*args, "informational", "--consent", str(consent), "--rnd", str(rnd), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["decisions"] == {"ALLOW": 1, "BLOCK": 2}
    assert out["reasons"] == {"NO_CONSENT": 2, "REASSIGNED_NUMBER": 1}


def test_screen_refuses_a_missing_consent_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing --consent file is an error naming the option, before any work."""
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("id,phone\na,2125550142\n")
    code = main(["screen", str(contacts), "--consent", str(tmp_path / "nope.csv")])
    _, err = capsys.readouterr()
    assert code != 0
    assert "--consent" in err


def test_screen_reads_consent_records_from_the_store_for_the_seller(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--consent-from-store`` reads the store's records; ``--seller`` keeps only its own."""
    from cxdial.compliance.consent import ConsentBook
    from cxdial.store import ConsentStore

    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("CXDIAL_DATABASE_URL", url)
    book = ConsentBook.from_rows(
        [
            {"phone": "2125550142", "seller": "Acme", "method": "web_form", "evidence_id": "A1",
             "given_at": "2025-01-02"},
            {"phone": "2125550143", "seller": "Zed", "method": "ivr", "evidence_id": "Z1",
             "given_at": "2025-01-02"},
        ]
    )  # fmt: skip
    with ConsentStore(url) as store:
        assert book.save(store) == 2
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "id,phone,phone_type,state,postal_code\na,2125550142,mobile,NY,10001\n"
        "b,2125550143,mobile,NY,10001\n"
    )
    args = ["screen", str(contacts), "--at", "2026-06-01T16:00:00Z", "--purpose", "informational"]
    assert main([*args, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reasons"] == {"NO_CONSENT": 2}
    assert main([*args, "--consent-from-store", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["decisions"] == {"ALLOW": 2, "BLOCK": 0}
    assert main([*args, "--consent-from-store", "--seller", "Acme", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["decisions"] == {"ALLOW": 1, "BLOCK": 1}
    assert out["reasons"] == {"NO_CONSENT": 1}
