"""How much to trust a coded event, in [0, 1].

A sum of evidence, documented in docs/events.md (section Confidence):

    0.40  a trigger that passed the frame and modality checks
  + 0.15  actor1 named in the text        (0.05 when assumed from the theatre; 0 if none)
  + 0.05  actor2 named in the text
  + 0.15  location from the trigger's own locative phrase (0.10 "there"/sentence focus,
          0.05 paragraph or article focus, 0 none)
  + 0.10  date from the trigger's own time expression (0.07 the reporting claim's date,
          0.03 bounded by publication, 0 none)
  + 0.05  sub-type decided by the trigger or its weapon/target words (0 when it fell back)
  + 0.05  each further mention merged into the event (at most 0.10)
"""

from __future__ import annotations

from .merge import Draft

_LOC = {"locative": 0.15, "there": 0.10, "sentence": 0.10, "relative": 0.10, "paragraph": 0.05,
        "article": 0.05, "none": 0.0}
_DATE = {"own": 0.10, "claim": 0.07, "published": 0.03, "none": 0.0}


def confidence(d: Draft) -> float:
    score = 0.40
    if d.actor1 is not None:
        score += 0.05 if d.actors_defaulted else 0.15
    if d.actor2 is not None and not d.actors_defaulted:
        score += 0.05
    score += _LOC.get(d.loc_how, 0.0)
    score += _DATE.get(d.date_how, 0.0)
    if d.sub_source != "fallback":
        score += 0.05
    score += min(0.10, 0.05 * (d.mentions - 1))
    return round(max(0.0, min(1.0, score)), 2)
