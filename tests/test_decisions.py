"""Decision checkpoints: decisions.jsonl from a flags-only CLI run, a refused paid run, and a pty-driven one."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from reelforge.workspace.hashing import sha256_file
from tests.cli_helpers import run_cli, run_json
from tests.fakes.openai_server import OpenAIFake

SCRIPT = {"schemaVersion": "1.0", "mode": "shorts", "aspect": "9:16", "locale": "en", "title": "Sleep better",
          "scenes": [{"id": "intro", "durationSec": 1.5, "narration": "Dim your screens before bed.",
                      "visual": {"prompt": "a dim bedroom at night"}}]}


def decisions_of(run_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (run_dir / "decisions.jsonl").read_text().splitlines()]


def only_run(workspace: Path) -> Path:
    runs = list((workspace / "videos").iterdir())
    assert len(runs) == 1
    return runs[0]


def test_a_flags_only_run_records_both_checkpoints_and_links_them(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, "video", "generate", "two tips for sleep", "--duration", "4", "--aspect", "16:9",
                          "--dry-run")
    assert code == 0
    run_dir = Path(data["runDir"])
    mode, cost = decisions_of(run_dir)
    assert (mode["subject"], mode["decision"], mode["who"]) == ("video.mode-selection", "confirmed", "cli-flag")
    assert mode["details"]["aspect"] == "16:9" and mode["details"]["origins"]["aspect"] == "flag:--aspect"
    assert mode["details"]["compositor"] == "ffmpeg" and mode["timestamp"].endswith("+00:00")
    assert (cost["subject"], cost["decision"]) == ("video.cost-confirmation", "not-required")
    assert cost["details"]["usd"] == 0.0 and cost["details"]["guardrailUsd"] == 0.2
    manifest = json.loads((run_dir / "manifest.json").read_text())
    linked = {a["path"]: a["sha256"] for a in manifest["assets"]}
    assert linked["decisions.jsonl"] == sha256_file(run_dir / "decisions.jsonl")

    code, shown = run_json(capsys, "video", "decisions", str(run_dir))
    assert code == 0 and [d["subject"] for d in shown["decisions"]] == ["video.mode-selection",
                                                                         "video.cost-confirmation"]


def test_a_paid_plan_without_a_terminal_stops_with_exit_4_naming_yes_and_max_usd(
        workspace: Path, openai_fake: OpenAIFake, capsys: pytest.CaptureFixture[str]) -> None:
    (workspace / "s.json").write_text(json.dumps(SCRIPT))
    code, _out, err = run_cli(capsys, "video", "generate", "--script", "s.json", "--visual", "generate",
                             "--voice", "none")
    assert code == 4
    assert "--yes" in err and "--max-usd" in err and "$0.25" in err
    assert openai_fake.submits == 0
    run_dir = only_run(workspace)
    cost = decisions_of(run_dir)[-1]
    assert (cost["decision"], cost["who"]) == ("declined", "cli-flag")
    assert cost["details"]["usd"] == 0.25 and cost["details"]["crossesGuardrail"] is True
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["exitCode"] == 4 and "decisions.jsonl" in {a["path"] for a in manifest["assets"]}


def run_on_pty(args: list[str], answer: str, cwd: Path, timeout: float = 240.0) -> tuple[int, str]:
    """Run the CLI with a pseudo-terminal as stdin/stdout/stderr; type ``answer`` once the prompt appears."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "reelforge", *args], stdin=follower, stdout=follower,
                            stderr=follower, cwd=cwd, env=env, close_fds=True)
    os.close(follower)
    seen, answered, deadline = b"", False, time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(leader, 4096)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            if not answered and b"Spend it?" in seen:
                os.write(leader, answer.encode() + b"\n")
                answered = True
            if proc.poll() is not None and not ready:
                break
        return proc.wait(timeout=30), seen.decode(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)


def test_on_a_terminal_the_cost_question_is_asked_and_a_no_is_recorded(
        workspace: Path, openai_fake: OpenAIFake) -> None:
    (workspace / "s.json").write_text(json.dumps(SCRIPT))
    code, screen = run_on_pty(["video", "generate", "--script", "s.json", "--visual", "generate", "--voice", "none"],
                              "n", workspace)
    assert "reaches the guardrail $0.20" in screen and "Spend it?" in screen
    assert code == 4
    cost = decisions_of(only_run(workspace))[-1]
    assert (cost["decision"], cost["who"], cost["rationale"]) == ("declined", "interactive",
                                                                  "declined at the terminal")
    assert openai_fake.submits == 0


@pytest.mark.slow
def test_on_a_terminal_a_yes_spends_and_the_run_completes(workspace: Path, openai_fake: OpenAIFake) -> None:
    (workspace / "s.json").write_text(json.dumps(SCRIPT))
    code, screen = run_on_pty(["video", "generate", "--script", "s.json", "--visual", "generate", "--voice", "none",
                               "--captions", "none"], "y", workspace)
    assert code == 0, screen[-2000:]
    run_dir = only_run(workspace)
    mode, cost = decisions_of(run_dir)
    assert mode["who"] == "cli-flag" and mode["details"]["visual"] == "generate"
    assert (cost["decision"], cost["who"]) == ("approved", "interactive")
    assert openai_fake.submits == 1
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["status"] == "succeeded" and manifest["cost"]["usd"] == 0.25
