"""Roles, the users file (real bcrypt), the users and audit commands, and `voice redact`."""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from voice import config
from voice.cli import app
from voice.errors import InputError, VoiceError
from voice.privacy import (
    OFFICER,
    REPORT_WRITER,
    ROLES,
    SCRUTINY,
    UsersError,
    UserStore,
    can,
    check_role,
    sees_raw_text,
)

runner = CliRunner()
PASSWORD = "correct horse battery"


@pytest.fixture
def fast_bcrypt(monkeypatch):
    """Cheaper bcrypt rounds for tests that add many users (one test keeps the real cost)."""
    monkeypatch.setattr(config, "BCRYPT_ROUNDS", 4)


def test_role_matrix():
    assert sees_raw_text(OFFICER) and not sees_raw_text(REPORT_WRITER) and not sees_raw_text(SCRUTINY)
    assert can(OFFICER, "tag") and not can(REPORT_WRITER, "tag") and not can(SCRUTINY, "tag")
    assert can(REPORT_WRITER, "export") and can(REPORT_WRITER, "build_report")
    assert not can(SCRUTINY, "export") and not can(SCRUTINY, "view_quotes")
    assert can(SCRUTINY, "view_dashboard") and can(SCRUTINY, "view_themes")
    assert [r for r in ROLES if can(r, "manage_users")] == [OFFICER]
    with pytest.raises(ValueError, match="unknown permission 'tagg'"):
        can(OFFICER, "tagg")
    with pytest.raises(ValueError, match="unknown role"):
        can("admin", "tag")


def test_role_and_users_errors_are_voice_errors(voice_home):
    with pytest.raises(InputError, match="unknown role 'admin': use one of officer") as caught:
        check_role("admin")
    assert isinstance(caught.value, VoiceError) and isinstance(caught.value, ValueError)
    with pytest.raises(UsersError, match="no user 'amy'") as missing:
        UserStore().remove_user("amy")
    assert isinstance(missing.value, VoiceError) and isinstance(missing.value, ValueError)


def test_users_file_roundtrip_with_real_bcrypt(voice_home):
    users = UserStore()
    assert users.path == voice_home / "users.json"
    user = users.add_user("Jane.Officer", OFFICER, PASSWORD)
    assert user.username == "jane.officer"
    raw = json.loads(users.path.read_text())
    record = raw["users"][0]
    assert record["password_hash"].startswith(f"$2b${config.BCRYPT_ROUNDS:02d}$")
    assert PASSWORD not in users.path.read_text()
    assert stat.S_IMODE(users.path.stat().st_mode) == 0o600
    assert users.authenticate("jane.officer", PASSWORD) == user
    assert users.authenticate("JANE.OFFICER ", PASSWORD) == user
    assert users.authenticate("jane.officer", PASSWORD + "x") is None
    assert users.authenticate("nobody", PASSWORD) is None
    assert users.authenticate("jane.officer", "x" * 100) is None


def test_add_remove_list_and_errors(voice_home, fast_bcrypt):
    users = UserStore()
    users.add_user("bob", SCRUTINY, PASSWORD)
    users.add_user("amy", REPORT_WRITER, PASSWORD)
    assert [(u.username, u.role) for u in users.list_users()] == [("amy", REPORT_WRITER), ("bob", SCRUTINY)]
    with pytest.raises(UsersError, match="already exists"):
        users.add_user("bob", OFFICER, PASSWORD)
    users.add_user("bob", OFFICER, "another long password", replace=True)
    assert users.authenticate("bob", PASSWORD) is None
    assert users.authenticate("bob", "another long password").role == OFFICER
    with pytest.raises(UsersError, match="at least 10 characters"):
        users.add_user("cat", SCRUTINY, "short")
    with pytest.raises(UsersError, match="at most 72 bytes"):
        users.add_user("cat", SCRUTINY, "é" * 40)
    with pytest.raises(UsersError, match="invalid username"):
        users.add_user("bad name", SCRUTINY, PASSWORD)
    with pytest.raises(ValueError, match="unknown role"):
        users.add_user("cat", "admin", PASSWORD)
    assert users.remove_user("amy").role == REPORT_WRITER
    with pytest.raises(UsersError, match="no user 'amy'"):
        users.remove_user("amy")
    assert [u.username for u in users.list_users()] == ["bob"]


def test_corrupt_or_open_users_file(voice_home, fast_bcrypt):
    users = UserStore()
    users.path.parent.mkdir(parents=True, exist_ok=True)
    users.path.write_text("not json")
    with pytest.raises(UsersError, match="cannot read the users file"):
        users.list_users()
    assert users.authenticate("x", PASSWORD) is None  # a broken file lets nobody in
    users.path.write_text(json.dumps({"users": [{"username": "x"}]}))
    with pytest.raises(UsersError, match="not a Voice users file"):
        users.list_users()
    users.path.unlink()
    users.add_user("x", OFFICER, PASSWORD)
    users.path.chmod(0o644)
    assert "can be read by other accounts" in users.permissions_problem()


def test_users_file_is_refused_inside_the_repository(fast_bcrypt):
    users = UserStore(config.PROJECT_ROOT / "users.json")
    with pytest.raises(UsersError, match="outside the repository"):
        users.add_user("x", OFFICER, PASSWORD)
    assert not (config.PROJECT_ROOT / "users.json").exists()


def test_users_commands_and_their_audit_entries(voice_home, fast_bcrypt):
    r = runner.invoke(
        app, ["users", "add", "jane", "--role", "officer", "--by", "admin"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert r.exit_code == 0, r.output
    assert "added jane (officer)" in r.output
    r = runner.invoke(
        app, ["users", "add", "sam", "--role", "scrutiny", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app, ["users", "add", "tim", "--role", "scrutiny"], input=f"{PASSWORD}\nother password!\n"
    )
    assert r.exit_code != 0  # the two entries differ: typer asks again, then gives up on end of input
    assert UserStore().get("tim") is None
    r = runner.invoke(
        app, ["users", "add", "tim", "--role", "boss", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert r.exit_code == 1 and "unknown role 'boss'" in r.output
    r = runner.invoke(app, ["users", "list", "--format", "json"])
    assert r.exit_code == 0, r.output
    listed = json.loads(r.stdout)
    assert [(u["username"], u["role"]) for u in listed] == [("jane", "officer"), ("sam", "scrutiny")]
    assert "$2b$" not in r.output
    r = runner.invoke(app, ["users", "remove", "sam", "--by", "admin"])
    assert r.exit_code == 0 and "removed sam" in r.output
    r = runner.invoke(app, ["users", "remove", "sam"])
    assert r.exit_code == 1 and "no user 'sam'" in r.output

    r = runner.invoke(app, ["audit", "--format", "json"])
    assert r.exit_code == 0, r.output
    entries = json.loads(r.stdout)
    assert [(e["who"], e["action"], e["detail"]) for e in entries if e["who"] == "admin"] == [
        ("admin", "user remove", "sam (scrutiny)"),
        ("admin", "user add", "jane as officer"),
    ]
    r = runner.invoke(app, ["audit", "--action", "user add", "--format", "json"])
    assert {e["detail"] for e in json.loads(r.stdout)} == {"jane as officer", "sam as scrutiny"}
    r = runner.invoke(app, ["audit", "--action", "USER", "--format", "json"])
    assert len(json.loads(r.stdout)) == 3
    r = runner.invoke(app, ["audit", "--who", "ADMIN", "--limit", "1", "--format", "json"])
    assert [e["action"] for e in json.loads(r.stdout)] == ["user remove"]
    r = runner.invoke(app, ["audit"])
    assert r.exit_code == 0 and "audit entries" in r.output
    r = runner.invoke(app, ["audit", "--limit", "-1"])
    assert r.exit_code == 1 and "cannot be negative" in r.output


def test_audit_lists_exports_and_imports(voice_home, tmp_path):
    from conftest import seed

    assert runner.invoke(app, ["import-seed", str(seed("000"))]).exit_code == 0
    assert runner.invoke(app, ["export", str(tmp_path / "out.csv")]).exit_code == 0
    r = runner.invoke(app, ["audit", "--action", "export", "--format", "csv"])
    rows = list(csv.DictReader(r.stdout.splitlines()))
    assert len(rows) == 1 and "out.csv" in rows[0]["detail"]


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def test_redact_command_csv_keeps_columns_and_neutralises_formulas(tmp_path, voice_home):
    src = write_csv(
        tmp_path / "quotes.csv",
        [
            {"id": "1", "text": "me and jake went to loughborough", "period": "2017/18 Q1"},
            {"id": "2", "text": '=HYPERLINK("http://x") Mrs Khan', "period": "2017/18 Q1"},
            {"id": "3", "text": "I feel safe now", "period": ""},
        ],
    )
    out = tmp_path / "out.csv"
    r = runner.invoke(app, ["redact", str(src), "-o", str(out), "--kinds"])
    assert r.exit_code == 0, r.output
    assert "3 rows, 2 with something redacted" in r.output
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert list(rows[0]) == ["id", "text", "period", "text_redacted", "redacted_kinds"]
    assert rows[0]["text_redacted"] == "me and [name] went to [place]"
    assert rows[0]["redacted_kinds"] == "name;place"
    assert rows[1]["text_redacted"].startswith("'=HYPERLINK")
    assert rows[1]["text_redacted"].endswith("[staff name]")
    assert rows[2]["text_redacted"] == "I feel safe now"


def test_redact_command_xlsx(tmp_path, voice_home):
    from openpyxl import Workbook, load_workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Text", "Speaker"])
    ws.append(["my brother who is 6 lives in Hinckley", "Female, 15"])
    ws.append([12345, ""])
    wb.save(tmp_path / "in.xlsx")
    r = runner.invoke(app, ["redact", str(tmp_path / "in.xlsx"), "-o", str(tmp_path / "out.xlsx")])
    assert r.exit_code == 0, r.output
    got = list(load_workbook(tmp_path / "out.xlsx").active.iter_rows(values_only=True))
    assert got[0] == ("text", "speaker", "text_redacted")
    assert got[1][2] == "my brother who is [age] lives in [place]"
    assert got[2][2] == "12345"


def test_redact_command_clear_errors(tmp_path, voice_home):
    r = runner.invoke(app, ["redact", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "o.csv")])
    assert r.exit_code == 1 and "missing.csv: no such file" in r.output
    (tmp_path / "notext.csv").write_text("quote,period\nhello,2017/18 Q1\n")
    r = runner.invoke(app, ["redact", str(tmp_path / "notext.csv"), "-o", str(tmp_path / "o.csv")])
    assert r.exit_code == 1 and "missing required column 'text'" in r.output
    (tmp_path / "header.csv").write_text("text,period\n")
    r = runner.invoke(app, ["redact", str(tmp_path / "header.csv"), "-o", str(tmp_path / "o.csv")])
    assert r.exit_code == 1 and "header but no rows" in r.output
    src = write_csv(tmp_path / "same.csv", [{"text": "hi"}])
    r = runner.invoke(app, ["redact", str(src), "-o", str(src)])
    assert r.exit_code == 1 and "other than the input" in r.output
    r = runner.invoke(app, ["redact", str(src), "-o", str(tmp_path / "o.txt")])
    assert r.exit_code == 1 and "unsupported output type" in r.output
    assert not (tmp_path / "o.csv").exists()
