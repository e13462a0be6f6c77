"""Real spaCy components that fail the way production does, for tests/test_faults.py.

Importing this module registers two pipeline components; a model saved with one of them in
its pipeline loads only where this module was imported first:

- ``fw_test_kill_on_marker``: the process running it kills itself with SIGKILL (as ``kill -9``
  or the out-of-memory killer would) when the text holds ``KILL_MARKER``;
- ``fw_test_fail_always``: raises on every text (a model that loads but cannot run).

Run as a script it is the ``frontwire`` command: ``python tests/faulty_model.py ingest ...``.
Worker processes are started with ``spawn``, which imports the parent's main script again
(as ``__mp_main__``) before a worker loads its model, so the components exist there too.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

KILL_MARKER = "FW-TEST-KILL-WORKER"


@Language.component("fw_test_kill_on_marker")
def kill_on_marker(doc: Doc) -> Doc:
    if KILL_MARKER in doc.text:
        os.kill(os.getpid(), signal.SIGKILL)
    return doc


@Language.component("fw_test_fail_always")
def fail_always(doc: Doc) -> Doc:
    raise ValueError("this test model cannot run")


def save_model(component: str, out: Path) -> Path:
    """The project's model with ``component`` appended, saved as a model directory."""
    import spacy

    from frontwire.nlp import AUTO_CANDIDATES

    # A fresh copy (load_model caches per process: the session's shared one stays as it is).
    name = next(c for c in AUTO_CANDIDATES if spacy.util.is_package(c))
    nlp = spacy.load(name)
    nlp.add_pipe(component, last=True)
    nlp.to_disk(out)
    return out


if __name__ == "__main__":
    from frontwire.cli import main

    main()
