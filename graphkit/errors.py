"""The errors of graphkit: one base class that carries the command line's exit code.

Every domain exception of the package derives from :class:`GraphkitError` (besides the built-in
class it derived from before, so ``except ValueError`` and the like keep working). Its message
stands alone: the command line prints ``COMMAND failed: MESSAGE`` on standard error and exits
with :attr:`GraphkitError.exit_code`, in one place (:class:`graphkit.cli.GraphkitGroup`).

Exit codes, the same for every command:

=====  ======================  ==============================================================
code   name                    meaning
=====  ======================  ==============================================================
0      ``EXIT_OK``             success
1      ``EXIT_NONCONFORMING``  the data do not conform (invalid records, SHACL violations,
                               inconsistent answers) or a query failed
2      ``EXIT_USAGE``          usage error (an option, a parameter, a filter or a source that
                               names nothing)
3      ``EXIT_RUNTIME``        runtime error (no build, an unreadable or unwritable file, a
                               server that cannot be reached)
=====  ======================  ==============================================================

This module imports nothing from graphkit, so any module may import it.
"""

from __future__ import annotations

EXIT_OK, EXIT_NONCONFORMING, EXIT_USAGE, EXIT_RUNTIME = 0, 1, 2, 3


class GraphkitError(Exception):
    """The base of every graphkit error; its message says what went wrong, without context.

    Attributes:
        exit_code: The command line's exit code for this error (class attribute; subclasses set
            their own). Runtime error (3) unless a subclass says otherwise.
    """

    exit_code: int = EXIT_RUNTIME


class UsageError(GraphkitError, ValueError):
    """An option, a parameter or a combination of them that cannot be used (exit code 2)."""

    exit_code = EXIT_USAGE


class RuntimeFailure(GraphkitError, RuntimeError):
    """Something the command needs is missing or failed: no build, a port taken (exit code 3)."""

    exit_code = EXIT_RUNTIME


class Nonconforming(GraphkitError):
    """The data do not conform or a query failed (exit code 1)."""

    exit_code = EXIT_NONCONFORMING
