"""``python -m frontwire.cli``: the same as the ``frontwire`` command."""

from . import main

main(prog_name="frontwire")
