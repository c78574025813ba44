"""The dependency audit fails CI on a real finding, and only says it was skipped when the database is out of reach."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "audit_dependencies.py"


@pytest.fixture
def audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pip_audit_answers(monkeypatch: pytest.MonkeyPatch, audit: ModuleType, stdout: str, stderr: str = "") -> None:
    def run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        assert "--require-hashes" in command
        return subprocess.CompletedProcess(command, 1, stdout, stderr)

    monkeypatch.setattr(audit.subprocess, "run", run)
    monkeypatch.setattr(audit.sys, "argv", ["audit_dependencies.py"])


def test_a_known_vulnerability_fails_the_audit(monkeypatch, audit, capsys) -> None:
    report = {"dependencies": [
        {"name": "flask", "version": "3.1.3", "vulns": []},
        {"name": "werkzeug", "version": "3.0.0", "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["3.0.6"]}]},
    ]}
    _pip_audit_answers(monkeypatch, audit, json.dumps(report))

    assert audit.main() == 1
    assert "VULNERABLE werkzeug 3.0.0: GHSA-xxxx (fixed in 3.0.6)" in capsys.readouterr().out


def test_an_unreachable_database_skips_the_audit_with_a_message(monkeypatch, audit, capsys) -> None:
    report = {"dependencies": [{"name": "flask", "skip_reason": "Dependency not found on PyPI"}]}
    _pip_audit_answers(monkeypatch, audit, json.dumps(report))

    assert audit.main() == 0
    assert "dependency audit SKIPPED: the vulnerability database could not be reached" in capsys.readouterr().out


def test_pip_audit_failing_to_connect_skips_the_audit(monkeypatch, audit, capsys) -> None:
    _pip_audit_answers(monkeypatch, audit, "", "requests.exceptions.ConnectionError: Max retries exceeded")

    assert audit.main() == 0
    assert "SKIPPED" in capsys.readouterr().out


def test_a_clean_audit_passes(monkeypatch, audit, capsys) -> None:
    _pip_audit_answers(monkeypatch, audit, json.dumps({"dependencies": [{"name": "flask", "version": "3.1.3",
                                                                          "vulns": []}]}))

    assert audit.main() == 0
    assert "dependency audit passed: 1 locked packages" in capsys.readouterr().out
