"""Find claims in a parsed article: cues, contents, speakers, channels, dates.

Method (METHODS.md, "Claims"), in four passes over one spaCy Doc:

1. Quotations are paired on characters (``quotes.find_quotes``).
2. Cue verbs from ``speech_cues.yaml`` with a frame that fits their dependents: a clausal
   complement (``ccomp``: "X said (that) ..."), a parenthetical (``parataxis``: "the attack,
   X said, killed ..."), a noun-phrase object for cues that take one ("X denied the report"),
   a quotation inside the object for naming cues ('dubbed it a "fortress"'), and the phrase
   "according to X". A content that lies mostly inside a quotation becomes the whole
   quotation, marked ``direct``.
3. Quotations no cue has claimed look for a cue in their own sentence, then in a preceding
   sentence ending in a colon; a quotation right after a claim by the same speaker continues it.
   A quotation with no cue and no preceding claim is left alone.
4. Speakers are resolved in text order (``speakers.Resolver``); a cue inside another claim's
   content is a nested report and yields no claim of its own; channels come from the cue's
   clause outside the content; a claim with no channel evidence inherits it from the claim just
   before it when the same speaker goes on with the same cue verb ("wrote ... wrote").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from spacy.tokens import Doc, Token

from ..model import Claim, TimeSpan, record_id
from ..nlp import doc_text, tokens_with_pos
from .lexicon import Cue, Lexicon, load_lexicon
from .quotes import Quote, find_quotes, paragraphs, quote_at
from .speakers import Resolver, Speaker

_TRIM = set(" \t\n,;:.—–-\"“”„«»'‘’()")
_MIN_QUOTE_WORDS = 3
_SUBJ = ("nsubj",)
_SENTENCE_BREAK = re.compile(r"[.!?][\"”’]?\s+[A-Z“\"]")


def _dateline(tok: Token) -> bool:
    """A word in capitals at the start of a sentence ("DUBAI", "ADDIS ABABA"): a dateline."""
    return tok.text.isupper() and len(tok.text) > 2 and tok.i - tok.sent.start <= 3


@dataclass
class Candidate:
    cue_tok: Token | None  # the cue verb (None for "according to" handled via according_tok)
    cue_text: str
    cue_start: int
    cue_end: int
    subject: Token | None
    start: int
    end: int
    direct: bool
    region: list[tuple[int, int]]  # the cue's clause outside the content (channel, date)
    cites: str | None = None
    speaker: Speaker | None = None
    continues: bool = False
    lemma: str = ""


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    # "that border guards repelled ..." -> "border guards repelled ..."
    if text[start:start + 5].lower() == "that " and end - start > 10:
        start += 5
    return start, end


@functools.lru_cache(maxsize=64)
def _any_of(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    """One pattern that matches wherever one of ``patterns`` does (one scan of a claim's text
    per channel instead of one per pattern); None when they cannot be joined (a pattern with
    flags of its own)."""
    parts = [f"(?{'i' if p.flags & re.IGNORECASE else '-i'}:{p.pattern})" for p in patterns]
    try:
        return re.compile("|".join(parts)) if parts else None
    except re.error:
        return None


def _tok_span(toks: Sequence[Token]) -> tuple[int, int]:
    toks = [t for t in toks if not t.is_space]
    if not toks:
        return 0, 0
    return min(t.idx for t in toks), max(t.idx + len(t.text) for t in toks)


def _subtree_span(tok: Token) -> tuple[int, int]:
    return _tok_span(list(tok.subtree))


def _minus(span: tuple[int, int], cut: tuple[int, int]) -> list[tuple[int, int]]:
    s, e = span
    out = []
    if cut[0] > s:
        out.append((s, min(e, cut[0])))
    if cut[1] < e:
        out.append((max(s, cut[1]), e))
    return [x for x in out if x[1] > x[0]]


class _Extractor:
    def __init__(self, doc: Doc, lex: Lexicon, times: Sequence[TimeSpan]) -> None:
        self.doc, self.lex, self.times = doc, lex, list(times)
        self.text = doc_text(doc)
        self.quotes = find_quotes(self.text)
        self.paras = paragraphs(self.text)
        self.sents = list(doc.sents)
        self.sent_i = {}
        for i, s in enumerate(self.sents):
            for k in range(s.start, s.end):  # token indices, without making Token objects
                self.sent_i[k] = i

    # -- helpers -----------------------------------------------------------------------
    def in_quote(self, pos: int) -> Quote | None:
        for q in self.quotes:
            if q.start <= pos < q.end:
                return q
        return None

    def para_of(self, pos: int) -> int:
        for i, (s, e) in enumerate(self.paras):
            if s <= pos < e:
                return i
        return -1

    def _extend_fragment(self, end: int, tok: Token) -> int:
        """A clause the parser cut off ("... near Bakhmut / and then seized ...") goes on."""
        si = self.sent_i.get(tok.i, 0)
        sent = self.sents[si]
        if end < sent.end_char - 2 or si + 1 >= len(self.sents):
            return end
        if sent.text.rstrip()[-1:] in ".!?\"”":
            return end
        nxt = self.sents[si + 1]
        first = next((t for t in nxt if not t.is_space), None)
        if first is None or not first.text[:1].islower():
            return end
        if self.para_of(first.idx) != self.para_of(tok.idx):
            return end
        return nxt.end_char

    def _subject(self, verb: Token) -> Token | None:
        # a dateline parsed as a second subject ("DUBAI, July 8 (Reuters) - Yemen's Houthis
        # said") is not the speaker
        subjects = [c for c in verb.children if c.dep_ in _SUBJ and not c.is_punct]
        if len(subjects) > 1 and _dateline(subjects[0]):
            subjects = subjects[1:]
        for c in subjects:
            if c.lower_ in ("who", "that", "which") and verb.dep_ == "relcl":
                return verb.head
            return c
        if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
            return self._subject(verb.head)
        if verb.dep_ == "conj" and verb.head.pos_ == "PROPN" and verb.head.i < verb.i:
            return verb.head  # "Malyar, citing ..., wrote": the parser hung the verb on the name
        if verb.dep_ == "advcl" and verb.tag_ == "VBG":
            # "..., adding that ..." / "..., saying ..."
            return self._subject(verb.head)
        # "A Ukrainian soldier interviewed near the border said ...": the parser read the
        # reduced relative clause as a clause of its own; its subject is the speaker
        for c in verb.children:
            if c.i < verb.i and c.dep_ in ("ccomp", "advcl", "csubj") and c.tag_ in ("VBN", "VBD") \
                    and c.right_edge.i + 1 == verb.i \
                    and not any(x.dep_ in ("dobj", "ccomp", "xcomp") for x in c.children):
                n = next((x for x in c.children if x.dep_ == "nsubj"), None)
                if n is not None and n.pos_ in ("NOUN", "PROPN"):
                    return n
        return None

    def _complements(self, t: Token) -> list[Token]:
        """Clausal contents of a cue, the one after it first.

        A clause before the cue counts when only a comma separates them ("X happened, Y
        said"), also when the parser made it an adverbial clause without a conjunction; a
        clause before a semicolon is another sentence in all but name."""
        right = [c for c in t.children if c.dep_ == "ccomp" and c.i > t.i]
        if right:
            return right
        # "Israeli troops encircled Gaza City, spokesman Daniel Hagari told a briefing.": the
        # parser coordinated the cue with the clause it reports; the cue ends the sentence
        first = next((x for x in t.subtree if not (x.is_punct or x.is_space)), t)
        if t.dep_ == "conj" and t.head.i < t.i and t.head.pos_ in ("VERB", "AUX") \
                and any(x.dep_ == "nsubj" for x in t.children) and first.i > 0 \
                and self.doc[first.i - 1].text == "," \
                and all(x.is_punct or x.is_space for x in self.doc[t.right_edge.i + 1:
                                                                 t.sent.end]):
            return [t.head]
        # "said seeing so many police at Pride was a welcome sight": a clause the parser
        # made an open complement of the cue
        right = [c for c in t.children if c.dep_ == "xcomp" and c.i > t.i and c.tag_ == "VBG"
                 and any(x.dep_ in ("ccomp", "nsubj") for x in c.subtree if x.i != c.i)]
        if right:
            return right
        left = []
        for c in t.children:
            if c.i > t.i or c.dep_ not in ("ccomp", "advcl", "parataxis"):
                continue
            if c.dep_ != "ccomp" and (any(x.dep_ == "mark" for x in c.children)
                                      or not any(x.dep_ in ("nsubj", "nsubjpass", "expl")
                                                 for x in c.children)
                                      or c.tag_ in ("VBG", "VBN", "VB")):
                continue
            if c.tag_ in ("VBN", "VBD") and c.right_edge.i + 1 == t.i and not any(
                    x.dep_ == "nsubj" for x in t.children):
                continue  # a reduced relative clause read as a clause (see _subject)
            if c.lemma_.lower() in self.lex.cues and any(
                    x.dep_ == "nsubj" for x in c.children):
                continue  # "X accused Y ..., a charge Z denied": the left clause is a report
            between = self.doc[c.right_edge.i + 1:t.i]
            if any(x.text == ";" for x in between):
                continue
            left.append(c)
        return left

    def _plausible_speaker(self, subj: Token) -> bool:
        """Whether a subject can be a source at all ("a charge Kigali denied" cannot)."""
        lex = self.lex
        if subj.pos_ in ("PRON", "PROPN") or subj.ent_type_:
            return True
        lemma = subj.lemma_.lower()
        if subj.lower_ in lex.speaker_nouns or subj.lower_ in lex.group_heads:
            return True
        if lemma in lex.person_roles or lemma in lex.anonymous_heads or lemma in lex.group_heads \
                or lemma in lex.organization_heads or lemma in lex.statement_nouns \
                or lemma in lex.speaker_nouns:
            return True
        if subj.lower_ in lex.quantifiers or lemma in lex.quantifiers:
            return True
        if subj.pos_ == "NOUN" and len(lemma) >= 6 and lemma.endswith(lex.agent_suffixes):
            return True
        return any(c.dep_ in ("compound", "poss", "appos") and (c.pos_ == "PROPN" or c.ent_type_)
                   for c in subj.children)

    def _negated(self, verb: Token) -> bool:
        return any(c.dep_ == "neg" for c in verb.children)

    def _passive(self, verb: Token) -> bool:
        return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)

    def _cites(self, verb: Token) -> str | None:
        for c in verb.children:
            if c.lemma_.lower() in ("cite", "quote") and c.dep_ in ("advcl", "xcomp", "conj"):
                for o in c.children:
                    if o.dep_ in ("dobj", "pobj"):
                        s, e = _subtree_span(o)
                        return " ".join(self.text[s:e].split())
        return None

    def _content_to_quote(self, s: int, e: int) -> tuple[int, int, bool]:
        q = quote_at(self.quotes, s, e)
        if q is not None and (q.end - q.start) >= (e - s) * 0.6:
            return q.start, q.end, True
        return s, e, False

    # -- pass 2: cue verbs ----------------------------------------------------------------
    def verb_candidates(self) -> list[Candidate]:
        out: list[Candidate] = []
        for t in tokens_with_pos(self.doc, "VERB"):
            lemma = t.lemma_.lower()
            cue = self.lex.cues.get(lemma)
            if lemma == "point" and not any(c.lower_ == "out" for c in t.children):
                continue
            if cue is None or self.in_quote(t.idx) or self._passive(t) or self._negated(t):
                continue  # "did not confirm the claim" is no claim
            cand = self._verb_frame(t, cue)
            if cand is not None:
                out.append(cand)
        return out

    def _verb_frame(self, t: Token, cue: Cue) -> Candidate | None:
        text = self.text
        subject = self._subject(t)
        frames = cue.frames
        content: tuple[int, int] | None = None
        if "ccomp" in frames:
            comps = self._complements(t)
            if comps:
                c = comps[0]
                s, e = _subtree_span(c)
                if c.i == t.head.i:  # the coordinated case: the host clause up to the cue's clause
                    first = next((x for x in t.subtree if not (x.is_punct or x.is_space)), t)
                    e = min(e, self.doc[first.i - 1].idx)
                e = self._extend_fragment(e, max(c.subtree, key=lambda x: x.i))
                content = (s, e)
        if content is None and "parataxis" in frames and t.dep_ == "parataxis" \
                and t.head.pos_ in ("VERB", "AUX"):
            hs, he = _subtree_span(t.head)
            content = (hs, he)
        if content is None and "parataxis" in frames:
            paras = [c for c in t.children if c.dep_ == "parataxis" and c.i < t.i
                     and c.pos_ in ("VERB", "AUX")]
            if paras:
                content = _subtree_span(paras[0])
        if content is None and "parataxis" in frames:
            # "The attack, the ministry said in a statement, killed three civilians": the parser
            # left the host clause's subject and its verb as loose dependents of the cue
            left = [c for c in t.children if c.dep_ == "dep" and c.i < t.i
                    and c.pos_ in ("NOUN", "PROPN")]
            right = [c for c in t.children if c.i > t.i and c.dep_ in ("advcl", "conj", "ccomp")
                     and c.pos_ in ("VERB", "AUX") and not any(
                         x.dep_ in ("nsubj", "nsubjpass", "mark") for x in c.children)]
            if left and right:
                content = (left[0].left_edge.idx, _subtree_span(right[0])[1])
        if content is None and "quote_object" in frames:
            for c in t.children:
                if c.dep_ in ("dobj", "oprd", "attr", "xcomp", "ccomp", "prep") and c.i > t.i:
                    s, e = _subtree_span(c)
                    qs = [q for q in self.quotes if s <= q.start and q.end <= e + 1]
                    if qs:
                        q = qs[0]
                        content = (q.start, q.end)
                        break
        if content is None and "object" in frames:
            objs = [c for c in t.children if c.i > t.i and (
                c.dep_ == "dobj" or (c.dep_ == "xcomp" and c.tag_ == "VBG"))]
            if objs and objs[0].lemma_.lower() not in cue.non_speech_objects \
                    and objs[0].pos_ != "PRON":
                o = objs[0]
                end = _subtree_span(o)[1]
                if cue.require_prep:
                    preps = [c for c in (*t.children, *o.children) if c.dep_ == "prep"
                             and c.lower_ == cue.require_prep]
                    if not preps:
                        return None
                    end = max(end, _subtree_span(preps[0])[1])
                else:
                    for c in t.children:
                        if c.dep_ == "prep" and c.i > o.i:
                            end = max(end, _subtree_span(c)[1])
                content = (t.idx, end)
        if content is None:
            return None
        if any(o.lemma_.lower() in cue.non_speech_objects for o in t.children
               if o.dep_ == "dobj"):
            return None
        s, e = _trim(text, *content)
        if e - s < 3:
            return None
        s, e, direct = self._content_to_quote(s, e)
        if not direct:
            s, e = _trim(text, s, e)
        if subject is None or not self._plausible_speaker(subject):
            return None
        own = _subtree_span(t)
        if s <= subject.idx < e and not s <= t.idx < e:
            return None  # the speaker inside what is said, its cue outside: a misparse
        region = _minus(own, (s, e))
        if s <= t.idx < e:
            # "The attack, the ministry said in a statement, killed ...": the cue's clause sits
            # inside the content; its own words still give the channel and the date
            region = [own]
        if t.dep_ == "advcl" and t.tag_ == "VBG" and t.head.pos_ == "VERB":
            # "... in a message on its channels, saying ...": the channel is the head's
            head = _subtree_span(t.head)
            region += [r for seg in _minus(head, (s, e)) for r in [seg] if r not in region]
        return Candidate(cue_tok=t, cue_text=t.text, cue_start=t.idx, cue_end=t.idx + len(t.text),
                         subject=subject, start=s, end=e, direct=direct, region=region,
                         cites=self._cites(t), lemma=t.lemma_.lower())

    # -- "according to X" -------------------------------------------------------------
    def according_candidates(self) -> list[Candidate]:
        out = []
        if "according" not in self.text.lower():
            return out  # no token can be "according"
        for t in self.doc:
            if t.lower_ != "according" or self.in_quote(t.idx):
                continue
            to = next((c for c in t.children if c.lower_ == "to"), None)
            if to is None and t.i + 1 < len(self.doc) and self.doc[t.i + 1].lower_ == "to":
                to = self.doc[t.i + 1]
            if to is None:
                continue
            pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
            if pobj is None:
                continue
            sent = self.sents[self.sent_i[t.i]]
            phrase = _tok_span([t, to, *pobj.subtree])
            ss, se = _tok_span(list(sent))
            if phrase[0] - ss <= 2:  # at the start: the rest of the sentence
                content = (phrase[1], se)
            elif se - phrase[1] <= 2:  # at the end
                content = (ss, phrase[0])
            else:
                content = (ss, se)
            s, e = _trim(self.text, *content)
            if e - s < 10:
                continue
            s, e, direct = self._content_to_quote(s, e)
            subj = pobj
            # "according to a statement by the ministry" -> the ministry
            if pobj.lemma_.lower() in self.lex.statement_nouns:
                for c in pobj.children:
                    if c.dep_ == "prep" and c.lower_ in ("by", "from"):
                        po = next((x for x in c.children if x.dep_ == "pobj"), None)
                        if po is not None:
                            subj = po
            out.append(Candidate(
                cue_tok=None, cue_text=self.text[t.idx:to.idx + len(to.text)], cue_start=t.idx,
                cue_end=to.idx + len(to.text), subject=subj, start=s, end=e, direct=direct,
                region=[phrase], lemma="according to"))
        return out

    # -- pass 3: quotations without a cue ---------------------------------------------
    def quote_candidates(self, have: list[Candidate]) -> list[Candidate]:
        out: list[Candidate] = []
        used_cues = {c.cue_start for c in have}
        for q in self.quotes:
            covered = any(c.start <= q.start and q.end <= c.end + 1 for c in have + out) or any(
                min(c.end, q.end) - max(c.start, q.start) > (q.end - q.start) / 2
                for c in have + out)
            if covered or q.words(self.text) < _MIN_QUOTE_WORDS:
                continue
            cue = self._cue_near(q)
            owner = next((c for c in have + out if cue is not None and c.cue_start == cue.idx
                          and c.direct), None)
            if owner is not None:
                # “We fled Khartoum,” said Amna Yousif, “and now we are running again.”
                # one quotation interrupted by its cue: one claim over both parts
                owner.start, owner.end = min(owner.start, q.start), max(owner.end, q.end)
                owner.region = [r for r in _minus(_subtree_span(cue), (owner.start, owner.end))]
                owner.region = owner.region or [(cue.idx, cue.idx + len(cue.text))]
                continue
            if cue is not None and cue.idx not in used_cues:
                subj = self._subject(cue)
                if subj is not None:
                    used_cues.add(cue.idx)
                    span = _subtree_span(cue)
                    region = [r for r in _minus(span, (q.open, q.close))]
                    out.append(Candidate(
                        cue_tok=cue, cue_text=cue.text, cue_start=cue.idx,
                        cue_end=cue.idx + len(cue.text), subject=subj, start=q.start, end=q.end,
                        direct=True, region=region, cites=self._cites(cue),
                        lemma=cue.lemma_.lower()))
                    continue
            out.append(Candidate(cue_tok=None, cue_text="", cue_start=q.open, cue_end=q.open,
                                 subject=None, start=q.start, end=q.end, direct=True, region=[],
                                 continues=True))
        return out

    def _cue_near(self, q: Quote) -> Token | None:
        """A cue verb for a quotation: in its own sentences outside the marks, or at the end
        of the sentence before it when that ends with a colon."""
        toks = [t for t in self.doc if t.idx >= q.open and t.idx < q.close]
        if not toks:
            return None
        first_s, last_s = self.sent_i[toks[0].i], self.sent_i[toks[-1].i]
        pool: list[Token] = []
        for si in range(max(0, first_s - 1), min(len(self.sents), last_s + 2)):
            for t in self.sents[si]:
                if q.open <= t.idx < q.close or self.in_quote(t.idx):
                    continue
                if t.pos_ == "VERB" and t.lemma_.lower() in self.lex.cues \
                        and not self._passive(t) and not self._negated(t):
                    pool.append(t)
        qp = (self.para_of(q.open), self.para_of(q.close - 1))
        best, best_d = None, None
        for t in pool:
            tp = self.para_of(t.idx)
            quoting = "quote" in self.lex.cues[t.lemma_.lower()].frames
            if not quoting and not (t.idx < q.open
                                    and self.text[t.idx:q.open].rstrip().endswith(":")):
                continue  # "described the retreat: “...”" - other cues only before a colon
            if t.idx >= q.close:
                gap = self.text[q.close:t.idx]
                # after the quote: same paragraph, no sentence end in between
                if tp != qp[1] or self._sentence_break(gap):
                    continue
                d = t.idx - q.close
            else:
                gap = self.text[t.idx:q.open]
                colon = gap.rstrip().endswith(":") or gap.rstrip().endswith(",")
                if tp != qp[0] and not (tp == qp[0] - 1 and gap.rstrip().endswith(":")):
                    continue
                if self._sentence_break(gap) and not colon:
                    continue
                d = q.open - t.idx
            if best_d is None or d < best_d:
                best, best_d = t, d
        return best

    @staticmethod
    def _sentence_break(gap: str) -> bool:
        return bool(_SENTENCE_BREAK.search(gap))

    # -- pass 4: resolve, filter, channel, date ----------------------------------------
    def channel(self, cand: Candidate) -> str | None:
        # Most claims name no channel: one search for all of them rules those out at once.
        every = _any_of(tuple(p for ch in self.lex.channels for p in ch.patterns))
        segs = [self.text[s:e] for s, e in cand.region]
        if every is not None:
            segs = [seg for seg in segs if every.search(seg)]
        for ch in self.lex.channels:
            joined = _any_of(ch.patterns)
            for seg in segs:
                if joined.search(seg) if joined is not None else \
                        any(p.search(seg) for p in ch.patterns):
                    return ch.name
        return None

    def dates(self, cand: Candidate) -> tuple[date | None, date | None]:
        for ts in self.times:
            for s, e in cand.region:
                if s <= ts.start and ts.end <= e:
                    return ts.start_date, ts.end_date
        return None, None

    def run(self) -> list[Claim]:
        cands = self.verb_candidates() + self.according_candidates()
        cands += self.quote_candidates(cands)
        cands.sort(key=lambda c: (min(c.start, c.cue_start), c.start))
        # nested reports: a cue inside another claim's content is part of what is claimed
        kept: list[Candidate] = []
        for c in cands:
            if c.continues:
                kept.append(c)
                continue
            nested = any(o is not c and not o.continues and o.start <= c.cue_start < o.end
                         and not (c.start <= o.cue_start < c.end) for o in cands)
            dup = any(o is not c and not o.continues and
                      min(o.end, c.end) - max(o.start, c.start) > 0.5 * (c.end - c.start)
                      for o in kept)
            if not nested and not dup:
                kept.append(c)
        resolver = Resolver(self.doc, self.lex)
        # resolve speakers in the order the reader meets them
        for c in sorted(kept, key=lambda c: c.cue_start):
            if c.subject is not None:
                c.speaker = resolver.resolve(c.subject)
        kept.sort(key=lambda c: c.start)
        claims: list[Claim] = []
        prev: Candidate | None = None
        prev_claim: Claim | None = None
        for c in kept:
            if c.continues:
                # a quotation that follows the previous claim directly continues it
                if prev is not None and prev_claim is not None and prev.speaker is not None \
                        and self._adjacent(prev, c):
                    if prev.direct:
                        merged = replace(prev_claim, end=c.end,
                                         text=self.text[prev_claim.start:c.end])
                        claims[-1] = replace(merged, id=record_id(
                            merged.speaker, merged.start, merged.end, prefix="c"))
                        prev.end = c.end
                        prev_claim = claims[-1]
                        continue
                    sp = prev.speaker
                    claim = Claim(
                        id=record_id(sp.name, c.start, c.end, prefix="c"), speaker=sp.name,
                        text=self.text[c.start:c.end], start=c.start, end=c.end,
                        speaker_role=sp.role, speaker_type=sp.type, cue=prev_claim.cue,
                        channel=prev_claim.channel, direct=True, date_start=prev_claim.date_start,
                        date_end=prev_claim.date_end, cites=prev_claim.cites)
                    claims.append(claim)
                    c.speaker, c.lemma = sp, prev.lemma
                    prev, prev_claim = c, claim
                continue
            sp = c.speaker or Speaker(None, None, None)
            if sp.name is None and sp.type is None:
                continue  # no speaker at all (an impersonal subject): not a claim
            channel = self.channel(c)
            d0, d1 = self.dates(c)
            if channel is None and prev is not None and prev_claim is not None \
                    and prev.speaker == c.speaker and prev.lemma == c.lemma \
                    and self._near(prev, c):
                channel = prev_claim.channel
                if d0 is None:
                    d0, d1 = prev_claim.date_start, prev_claim.date_end
            claim = Claim(
                id=record_id(sp.name, c.start, c.end, prefix="c"), speaker=sp.name,
                text=self.text[c.start:c.end], start=c.start, end=c.end, speaker_role=sp.role,
                speaker_type=sp.type, cue=c.cue_text, channel=channel,  # type: ignore[arg-type]
                direct=c.direct, date_start=d0, date_end=d1, cites=c.cites)
            claims.append(claim)
            prev, prev_claim = c, claim
        return claims

    def _adjacent(self, prev: Candidate, c: Candidate) -> bool:
        """Nothing but the previous claim's own cue clause lies between it and ``c``."""
        end = max(prev.end, prev.cue_end)
        gap = self.text[end:c.start]
        if self.para_of(c.start) - self.para_of(end) > 1:
            return False
        return len(gap.split()) <= 8 and not any(
            t.pos_ == "VERB" and t.lemma_.lower() not in self.lex.cues
            for t in self.doc if end <= t.idx < c.start - 1 and not t.is_punct)

    def _near(self, prev: Candidate, c: Candidate) -> bool:
        a = self.sent_i.get(prev.cue_tok.i, 0) if prev.cue_tok is not None else None
        b = self.sent_i.get(c.cue_tok.i, 0) if c.cue_tok is not None else None
        return a is not None and b is not None and 0 <= b - a <= 2


def extract(doc: Doc, *, times: Sequence[TimeSpan] = ()) -> list[Claim]:
    return _Extractor(doc, load_lexicon(), times).run()
