"""Cleaning: captions, credits, bylines and boilerplate out; reporting kept, verbatim."""

from __future__ import annotations

import json

import pytest

from frontwire.clean import clean

REMOVED = [
    # (paragraph, reason of the first removal, text that must go)
    ("Rescuers try to douse a fire caused by shelling in a village near Bakhmut "
     "GEORGE IVANCHENKO/EPA-EFE/Shutterstock", "caption", "GEORGE IVANCHENKO/EPA-EFE/Shutterstock"),
    ("General Valerii Zaluzhnyi wrote on Tuesday about the situation in Donetsk. "
     "UKRAINIAN PRESIDENTIAL PRESS SER/AFP via Getty Images", "caption", "via Getty Images"),
    ("Ukrainian forces have been defending the town for months. Getty Images", "caption",
     "Ukrainian forces"),
    ("A man stands next to items he is selling at a makeshift market in Bakhmut.Portal",
     "caption", "A man stands"),
    ("A soldier rests in a trench near Avdiivka. AP Photo/Evgeniy Maloletka", "caption",
     "AP Photo/Evgeniy Maloletka"),
    ("Smoke rises over Khartoum, Sudan. REUTERS/Stringer", "caption", "REUTERS/Stringer"),
    ("Troops advance near Robotyne. Photo: Ivan Petrenko/Ukrinform", "caption", "Ukrinform"),
    ("Displaced families wait for aid in Rafah. Anadolu Agency via Getty Images", "caption",
     "Anadolu Agency"),
    ("With mail wires", "boilerplate", "With mail wires"),
    ("With wires", "boilerplate", "With wires"),
    ("— With AP", "boilerplate", "With AP"),
    ("By Anna Kovalenko and John Smith", "byline", "By Anna Kovalenko"),
    ("By Oleksandr Kozhukhar, Reuters", "byline", "By Oleksandr"),
    ("Reporting by Pavel Polityuk; Editing by Tom Balmforth", "byline", "Editing by"),
    ("Read more: How the battle for Bakhmut unfolded", "boilerplate", "Read more"),
    ("Sign up for our daily war briefing newsletter", "boilerplate", "newsletter"),
    ("Share this article", "boilerplate", "Share this article"),
    ("Associated Press writer Hanna Arhirova contributed to this report.", "byline",
     "contributed to this report"),
    ("Advertisement", "boilerplate", "Advertisement"),
    ("Follow us on Telegram for live updates", "boilerplate", "Follow us"),
    ("© 2023 Example Media Group. All rights reserved.", "boilerplate", "All rights reserved"),
]


@pytest.mark.parametrize("paragraph, reason, gone", REMOVED)
def test_removed_with_reason(paragraph: str, reason: str, gone: str) -> None:
    text = f"Fighting continued in the east, officials said.\n{paragraph}\nThe talks resume on Monday."
    out = clean(text)
    assert gone not in out.text
    assert "Fighting continued in the east, officials said." in out.text
    assert "The talks resume on Monday." in out.text
    assert out.removed and out.removed[0].reason == reason
    assert all(r.text in text for r in out.removed)


KEPT = [
    "Zaluzhnyi told Reuters that the situation remained difficult.",
    "The official spoke to AFP on condition of anonymity.",
    "He said the photos were verified by Getty Images and AP before publication.",
    "Shelling hit the port, the governor wrote on Telegram",
    "By nightfall the village had been retaken, the brigade said.",
    "By Monday, troops had withdrawn from the village.",
    "By Sunday Russian forces had reached the outskirts.",
    "Ukraine's Interior Ministry said on Wednesday that border guards repelled a Russian attack.",
    "The Institute for the Study of War, a Washington, DC-based think tank, questioned the logic.",
    "In Washington, a senior government official said heavy fighting is likely to continue.",
    "Read the full statement below, the ministry said.",
    "Police detained 12 protesters, the ministry said. Three were later released.",
]


@pytest.mark.parametrize("paragraph", KEPT)
def test_reporting_kept_verbatim(paragraph: str) -> None:
    out = clean(paragraph)
    assert out.text == paragraph
    assert out.removed == ()


def test_credit_glued_to_next_paragraph_is_split() -> None:
    out = clean("Troops shelled the town. Getty ImagesThe Institute for the Study of War said so.")
    assert out.text == "The Institute for the Study of War said so."
    assert [r.reason for r in out.removed] == ["caption", "credit"]


def test_long_paragraph_keeps_reporting_before_fused_caption() -> None:
    body = ("Russian forces attacked Avdiivka from three sides. The defenders held. "
            "Officials reported heavy losses. ")
    out = clean(body + "A tank burns near the town. AP Photo/Libkos")
    assert out.text == body.strip()
    assert [r.text for r in out.removed] == ["A tank burns near the town.", "AP Photo/Libkos"]


def test_headline_repeating_title_is_removed() -> None:
    out = clean("Missile hits Kharkiv\nA missile hit Kharkiv on Monday.", title="Missile hits Kharkiv")
    assert out.text == "A missile hit Kharkiv on Monday."
    assert out.removed[0].rule == "headline"


def test_gold_clean_checks_on_reference_article(examples_dir) -> None:
    gold = json.loads((examples_dir / "bakhmut-2023-01-04.gold.json").read_text())
    raw = (examples_dir / gold["article"]["file"]).read_text(encoding="utf-8")
    out = clean(raw)
    for needle in gold["clean"]["must_not_contain"]:
        assert needle not in out.text, needle
    for needle in gold["clean"]["must_contain"]:
        assert needle in out.text, needle
    reasons = {r.reason for r in out.removed}
    assert {"caption", "credit", "boilerplate"} <= reasons


@pytest.mark.parametrize("paragraph", [
    "KYIV, Ukraine (AP) — Russian forces launched a drone attack overnight.",
    "KHARTOUM (Reuters) - Fighting resumed in the capital on Monday.",
    "MOGADISHU, Aug 8 (Reuters) - Gunmen stormed a hotel in the Somali capital.",
])
def test_datelines_are_kept(paragraph: str) -> None:
    """A dateline says where (and often when) the story was filed: the places and times
    stages read it, so cleaning keeps it."""
    assert clean(paragraph).text == paragraph


def test_capitalized_start_is_not_a_dateline() -> None:
    text = "UN officials - speaking in Geneva - said aid was blocked."
    assert clean(text).text == text
