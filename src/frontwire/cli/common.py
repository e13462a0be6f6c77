"""What every ``frontwire`` subcommand module shares: one-line errors, dates, common options.

A module of its own so ``cli_record`` and ``cli_scale`` can be imported on their own (by tests,
or by a program embedding one command) without importing ``cli``, which imports them.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import click

from ..errors import FrontwireError

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"frontwire: error: {message}", err=True)
    sys.exit(code)


def friendly(fn: F) -> F:
    """Turn library errors into one-line messages (tracebacks only with --debug)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        debug = (ctx.find_root().params or {}).get("debug", False)
        try:
            return fn(*args, **kwargs)
        except FrontwireError as exc:
            if debug:
                raise
            _fail(f"{exc} [{exc.code}]")
        except KeyboardInterrupt:
            _fail("interrupted; what was stored before is kept", 130)

    return wrapper  # type: ignore[return-value]


class IsoDate(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: Any, ctx: Any) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date like 2023-01-04", param, ctx)


ISO_DATE = IsoDate()


model_option = click.option("--model", default=None, metavar="NAME",
                            help="spaCy model to use (default: config, else 'auto').")
published_option = click.option("--published", type=ISO_DATE, default=None,
                                help="Publication date for inputs that carry none.")

__all__ = ["ISO_DATE", "IsoDate", "_fail", "friendly", "model_option", "published_option"]
