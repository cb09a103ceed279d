"""Settings and the user's environment are read only in config.py (issue 15: one Settings for all surfaces)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from click.testing import CliRunner

import reelforge
from reelforge.cli.main import cli

SRC = Path(reelforge.__file__).parent
ALLOWED = {SRC / "config.py"}


def _is_os_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ" and isinstance(node.value, ast.Name)
            and node.value.id == "os")


def environ_reads(tree: ast.AST) -> list[int]:
    """Line numbers that read the process environment. Assigning os.environ[X] for a child process is not a
    read; os.getenv, `from os import environ/getenv` and every other use of os.environ are."""
    writes = {id(n.value) for n in ast.walk(tree)
              if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store | ast.Del) and _is_os_environ(n.value)}
    lines = []
    for node in ast.walk(tree):
        if _is_os_environ(node) and id(node) not in writes:
            lines.append(node.lineno)
        elif isinstance(node, ast.Attribute) and node.attr in ("getenv", "getenvb") and \
                isinstance(node.value, ast.Name) and node.value.id == "os":
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os" and \
                any(a.name in ("environ", "getenv", "environb", "getenvb") for a in node.names):
            lines.append(node.lineno)
    return sorted(lines)


def test_the_scan_catches_each_kind_of_read() -> None:
    source = ("import os\nfrom os import getenv\na = os.environ.get('X')\nb = os.getenv('Y')\n"
              "c = dict(os.environ)\nos.environ['HF_HUB_OFFLINE'] = '1'\ndel os.environ['Z']\n")
    assert environ_reads(ast.parse(source)) == [2, 3, 4, 5]


def test_no_module_outside_config_reads_the_environment() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path in ALLOWED:
            continue
        for line in environ_reads(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            found.append(f"{path.relative_to(SRC)}:{line}")
    assert found == [], ("read the environment through reelforge.config (a Settings option, or environ_value() "
                         f"with a row in config.ENVIRONMENT) instead of: {found}")


def test_config_show_lists_environment_origins(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("REELFORGE_RENDER_JOBS", "3")
    monkeypatch.setenv("ARK_API_KEY", "sk-secret-value")
    monkeypatch.delenv("REELFORGE_CHROMIUM", raising=False)
    monkeypatch.setenv("FAL_KEY", "fal-secret-value")
    monkeypatch.setenv("REELFORGE_FAL_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("REELFORGE_PRICE_IMAGE_FLUX_DEV_TEXT", "0.02")
    result = CliRunner().invoke(cli, ["--workspace", str(tmp_path), "config", "show", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "sk-secret-value" not in result.output and "fal-secret-value" not in result.output
    rows = {r["key"]: r for r in json.loads(result.output)["environment"]}
    assert rows["REELFORGE_RENDER_JOBS"] == {**rows["REELFORGE_RENDER_JOBS"], "value": "3",
                                             "origin": "env:REELFORGE_RENDER_JOBS"}
    assert rows["ARK_API_KEY"]["value"] == "(set)"
    assert rows["REELFORGE_CHROMIUM"]["origin"] == "unset"
    assert (rows["FAL_KEY"]["value"], rows["FAL_KEY"]["origin"]) == ("(set)", "env:FAL_KEY")
    assert rows["REELFORGE_FAL_BASE_URL"]["value"] == "http://127.0.0.1:9"
    assert rows["REELFORGE_PRICE_IMAGE_FLUX_DEV_TEXT"]["value"] == "0.02"
    assert rows["REELFORGE_OPENAI_CONCURRENCY"]["origin"] == "unset"


def test_render_jobs_is_read_through_config(monkeypatch) -> None:
    from reelforge.compose.processes import default_jobs
    from reelforge.errors import InvalidInputError

    monkeypatch.setenv("REELFORGE_RENDER_JOBS", "2")
    assert default_jobs() == 2
    monkeypatch.setenv("REELFORGE_RENDER_JOBS", "zero")
    try:
        default_jobs()
    except InvalidInputError as exc:
        assert "REELFORGE_RENDER_JOBS" in str(exc) and exc.exit_code == 4
    else:
        raise AssertionError("a malformed REELFORGE_RENDER_JOBS must be refused")
