"""Subcommands of the `ccgwatch` CLI.

Each module defines HELP (one line), EXAMPLE (one command line), add_arguments(parser) and run(args) -> int.
Raise ccgwatch.errors.UserError for anything the user can fix; the CLI prints it on one line.
"""
