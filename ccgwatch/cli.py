"""The `ccgwatch` front door: one subcommand per user task, each defined in `ccgwatch/commands/`."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from types import ModuleType

from ccgwatch import commands
from ccgwatch.errors import UserError


def command_modules() -> list[ModuleType]:
    """Every module in `ccgwatch.commands` is a subcommand named after the module."""
    names = sorted(info.name for info in pkgutil.iter_modules(commands.__path__) if not info.name.startswith("_"))
    return [importlib.import_module(f"ccgwatch.commands.{name}") for name in names]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not the usage block
        command = self.prog.removeprefix("ccgwatch").strip()
        raise UserError(f"{command}: {message}" if command else message.replace("argument COMMAND: ", ""))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ccgwatch",
        description="Track mergers of NHS commissioning organisations (CCGs and ICBs) in England.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in command_modules():
        name = module.__name__.rsplit(".", 1)[1]
        sub = subparsers.add_parser(
            name,
            help=module.HELP,
            description=module.HELP,
            epilog=f"example: {module.EXAMPLE}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
        sub.set_defaults(handler=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            parser.print_help()
            return 2
        return int(args.handler(args) or 0)
    except UserError as error:
        print(f"ccgwatch: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("ccgwatch: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
