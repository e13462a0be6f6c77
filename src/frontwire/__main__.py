"""``python -m frontwire``: the same as the ``frontwire`` command."""

from .cli import main

main(prog_name="frontwire")
