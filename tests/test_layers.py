"""The layers of ARCHITECTURE.md, enforced in CI: `lint-imports` with the contracts in pyproject.toml."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _lint_imports(*config: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run([sys.executable, "-c", code, *config], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def test_every_import_contract_is_kept() -> None:
    result = _lint_imports()
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout and "Providers know vendors only" in result.stdout


def test_a_broken_contract_is_reported(tmp_path: Path) -> None:
    # proves the check can fail: the pipeline does import providers, so forbidding it must break
    config = tmp_path / "contracts.toml"
    config.write_text('[tool.importlinter]\nroot_package = "reelforge"\n\n[[tool.importlinter.contracts]]\n'
                      'name = "pipeline without providers"\ntype = "forbidden"\n'
                      'source_modules = ["reelforge.pipeline"]\nforbidden_modules = ["reelforge.providers"]\n')
    result = _lint_imports("--config", str(config))
    assert result.returncode != 0 and "BROKEN" in result.stdout
