"""The `reelforge` command. Thin: parse flags, call one library function, print, map errors to exit codes.

Exit codes are mapped here and only here (see reelforge.errors for the tree).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from reelforge import __version__
from reelforge.cli.asset_cmd import asset_group
from reelforge.cli.cache_cmd import cache_group
from reelforge.cli.check_cmd import check_command
from reelforge.cli.common import detect_format
from reelforge.cli.config_cmd import config_group
from reelforge.cli.image_cmd import image_group
from reelforge.cli.mcp_cmd import mcp_command
from reelforge.cli.output import Output
from reelforge.cli.qa_cmd import qa_group
from reelforge.cli.render_cmd import render_group
from reelforge.cli.schema_cmd import schema_group
from reelforge.cli.studio_cmd import studio_command
from reelforge.cli.trace_cmd import trace_command
from reelforge.cli.verify_cmd import verify_command
from reelforge.cli.video import video_group
from reelforge.cli.voices_cmd import voices_command
from reelforge.errors import EXIT_INTERRUPTED, InterruptedRunError, InvalidInputError, ReelforgeError
from reelforge.workspace.diskspace import from_os_error


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reelforge")
@click.option("--workspace", type=click.Path(file_okay=False), default=None,
              help="Workspace root (default: the current directory).")
@click.pass_context
def cli(ctx: click.Context, workspace: str | None) -> None:
    """reelforge: short-form video you can trace and make again byte for byte.

    Start with: reelforge video generate "<brief>"
    """
    ctx.ensure_object(dict)
    ctx.obj["workspace"] = workspace


cli.add_command(video_group)
cli.add_command(config_group)
cli.add_command(schema_group)
cli.add_command(verify_command)
cli.add_command(image_group)
cli.add_command(asset_group)
cli.add_command(render_group)
cli.add_command(qa_group)
cli.add_command(trace_command)
cli.add_command(check_command)
cli.add_command(mcp_command)
cli.add_command(voices_command)
cli.add_command(studio_command)
cli.add_command(voices_command)
cli.add_command(cache_group)


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    output = Output(detect_format(args))
    try:
        code = cli.main(args=args, prog_name="reelforge", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.exceptions.Abort:
        output.error(InterruptedRunError("aborted"))
        code = EXIT_INTERRUPTED
    except click.UsageError as exc:
        # Bad flags are invalid input (4); exit 2 is reserved for safety refusals.
        hint = "see --help for the accepted flags and values"
        if exc.ctx is not None:
            hint = f"see `{exc.ctx.command_path} --help` for the accepted flags and values"
        output.error(InvalidInputError(exc.format_message(), hint=hint))
        code = 4
    except ReelforgeError as exc:
        extra = {"runDir": exc.run_dir, "manifestPath": f"{exc.run_dir}/manifest.json"} if exc.run_dir else None
        output.error(exc, extra)
        code = exc.exit_code
    except KeyboardInterrupt:
        output.error(InterruptedRunError("interrupted"))
        code = EXIT_INTERRUPTED
    except OSError as exc:
        full = from_os_error(exc)
        if full is None:
            raise
        output.error(full)
        code = full.exit_code
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
