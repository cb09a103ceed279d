from __future__ import annotations

import json
from typing import Any

import pytest

from reelforge.cli.main import main


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _err = run_cli(capsys, *args, "--format", "json")
    data = json.loads(out)  # exactly one JSON object on stdout
    assert data["exitCode"] == code
    return code, data
