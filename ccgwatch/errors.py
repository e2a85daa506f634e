"""The one exception the CLI turns into a single readable line and a non-zero exit."""


class UserError(Exception):
    """Something the user can fix: a bad argument, a missing file, a locked or unwritable database."""

    exit_code = 2
