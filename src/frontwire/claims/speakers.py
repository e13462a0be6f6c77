"""Who speaks: canonical names, roles, types, and reference across sentences.

Rules (METHODS.md, "Speakers"):

- A named person is known by the fullest form of the name in the article ("Zaluzhnyi" ->
  "Valerii Zaluzhnyi"); titles before the name ("General", "Deputy Defense Minister of
  Ukraine") and appositions ("commander-in-chief of the Ukrainian Armed Forces") give roles.
- A pronoun refers to the most recent sentence that names a compatible speaker; when that
  sentence names several persons the grammatical subject wins, and when several subjects
  remain the pronoun is left unresolved (``speaker=None``), never guessed.
- A definite description ("the four-star general", "Ukraine's top general", "the ministry")
  refers to the most recent named speaker whose title or name holds the same head noun;
  a description in an opening, headline-like sentence may point forward to the next two
  sentences.
- An indefinite or plural description with a source head ("a senior government official",
  "sources close to the command") stays anonymous; other plural bare nouns ("analysts") are
  groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from .. import data
from ..nlp import doc_text, tokens_with_pos
from .lexicon import Lexicon
from .quotes import find_quotes, inside_quote

NAME_LABELS = {"PERSON"}
ORG_LABELS = {"ORG", "GPE", "NORP", "FAC"}
_CUT_DEPS = {"relcl", "acl", "appos", "advcl", "punct", "cc", "conj"}
_TITLE_ABBREVIATIONS = data.words("grammar_words.yaml", "claims", "title_abbreviations")


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str | None
    role: str | None
    type: str | None


@dataclass(slots=True)
class Mention:
    """A mention of a possible speaker, in text order."""

    name: str
    kind: str  # person | organization | anonymous | group
    start: int
    sent: int
    subject: bool
    role: str | None = None
    words: frozenset[str] = field(default_factory=frozenset)  # lower-case title/role/name words
    plural: bool = False


def _text(doc: Doc, start: int, end: int) -> str:
    return " ".join(doc_text(doc)[start:end].split())


def core_span(tok: Token, *, keep_preps: bool = True) -> tuple[int, int]:
    """Character span of a noun phrase without its clauses, appositions and commas."""
    toks = [tok]
    stack = [c for c in tok.children]
    while stack:
        c = stack.pop()
        if c.dep_ in _CUT_DEPS and not (c.dep_ == "punct" and c.tag_ == "HYPH") and not (
                c.dep_ in ("cc", "conj") and c.i < tok.i):  # "Current and former officials"
            continue
        if not keep_preps and c.dep_ == "prep":
            continue
        if c.is_space:
            continue
        toks.append(c)
        stack.extend(c.children)
    toks.sort(key=lambda t: t.i)
    # keep the contiguous run around the head
    idx = [t.i for t in toks]
    lo = hi = idx.index(tok.i)
    while lo > 0 and idx[lo - 1] == idx[lo] - 1:
        lo -= 1
    while hi < len(idx) - 1 and idx[hi + 1] == idx[hi] + 1:
        hi += 1
    first, last = toks[lo], toks[hi]
    while first.i < last.i and (first.is_punct or first.is_space):
        first = first.doc[first.i + 1]
    while last.i > first.i and (last.is_punct or last.is_space):
        last = last.doc[last.i - 1]
    return first.idx, last.idx + len(last.text)


def _strip_the(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name


def _join(toks: list[Token]) -> str:
    """Tokens as written ("Nash-Hahn" stays one word)."""
    return "".join(t.text_with_ws for t in toks).strip()


def _words(name: str) -> frozenset[str]:
    """Lower-case words of a name, possessives dropped ("Ukraine's" -> "ukraine")."""
    return frozenset(w.lower() for w in re.findall(r"[^\W_]+(?:-[^\W_]+)*", re.sub(
        r"['’]s\b", "", name)))


def _acronym(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Z][\w'’-]*", name))


class Resolver:
    """Speaker resolution for one document. Build once per doc, call ``resolve`` in text order."""

    def __init__(self, doc: Doc, lex: Lexicon) -> None:
        self.doc = doc
        self.lex = lex
        self.ents = doc.ents  # built anew on every access; read per name
        self.sent_of = {}
        for i, s in enumerate(doc.sents):
            for k in range(s.start, s.end):  # token indices, without making Token objects
                self.sent_of[k] = i
        self.mentions: list[Mention] = []
        self.history: list[Mention] = []  # speakers resolved so far (descriptions included)
        self._person_names: dict[int, tuple[str, str | None, frozenset[str]]] = {}
        self._quotes = find_quotes(doc_text(doc))
        self._build()

    # -- registry -----------------------------------------------------------------------
    def _title_tokens(self, root: Token, name_toks: set[int]) -> list[Token]:
        out = []
        first = min(name_toks) if name_toks else root.i
        # titles hang on the surname or on the first name ("General" -> "Valerii")
        heads = [root] + [self.doc[i] for i in name_toks if i != root.i]
        cands = [c for h in heads for c in h.children if c.i < first and c.i not in name_toks]
        for c in cands:
            # a title must hold a person noun ("Minister", "General"), not only a modifier
            # ("Interior" in "Interior Ministry")
            if c.dep_ in ("compound", "nmod", "amod") and any(
                    t.lemma_.lower() in self.lex.person_roles or t.lower_ in self.lex.person_roles
                    or t.lower_.rstrip(".") in _TITLE_ABBREVIATIONS
                    for t in c.subtree):
                out.append(c)
        return out

    def _name_of(self, root: Token) -> tuple[str, str | None, frozenset[str]]:
        """Name, role and title words of the person whose name has head ``root``."""
        lex = self.lex
        ent = next((e for e in self.ents if e.start <= root.i < e.end
                    and e.label_ == "PERSON"), None)
        if ent is not None:
            run = [t for t in ent if t.lower_ not in lex.titles and not t.is_punct
                   and t.tag_ != "POS" and not t.is_space and t.text.strip()]
            # "Vyacheslav Gladkov": the parser may split a name the recogniser kept whole
            while run and run[0].i > 0:
                prev = self.doc[run[0].i - 1]
                if prev.pos_ == "PROPN" and prev.dep_ == "compound" and prev.head.i == root.i \
                        and prev.lower_ not in lex.titles and prev.lower_ not in lex.person_roles:
                    run.insert(0, prev)
                else:
                    break
            if run:
                return self._finish_name(root, run, _join(run))
        name_toks = [root]
        for c in root.children:
            if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < root.i \
                    and c.lower_ not in lex.titles:
                name_toks.append(c)
        name_toks.sort(key=lambda t: t.i)
        # a name is a contiguous run of capitalised words ending at the head
        run = [root]
        for t in reversed(name_toks[:-1]):
            if t.i == run[0].i - 1:
                run.insert(0, t)
        return self._finish_name(root, run, _join(run))

    def _finish_name(self, root: Token, run: list[Token], name: str
                     ) -> tuple[str, str | None, frozenset[str]]:
        titles = self._title_tokens(root, {t.i for t in run})
        words = {root.lower_}
        role = None
        if titles:
            s = min(min(x.idx for x in t.subtree) for t in titles)
            e = max(max(x.idx + len(x.text) for x in t.subtree) for t in titles)
            e = min(e, run[0].idx)
            role = _text(self.doc, s, e).strip(" ,") or None
            for t in titles:
                words |= {x.lower_ for x in t.subtree}
        for c in root.children:
            if c.dep_ == "appos" and c.pos_ in ("NOUN", "PROPN") and c.ent_type_ != "PERSON":
                s, e = c.left_edge.idx, c.right_edge.idx + len(c.right_edge.text)
                role = _text(self.doc, s, e).strip(" ,") or role
                words |= {x.lower_ for x in c.subtree}
        # "Ukraine's foreign minister, Dmytro Kuleba": the name is the apposition of the role
        if root.dep_ == "appos" and root.head.pos_ == "NOUN":
            h = root.head
            s, e = core_span(h)
            role = role or _text(self.doc, s, e)
            words |= {x.lower_ for x in h.subtree if x.i < root.i}
        return name, role, frozenset(words)

    def _is_subject(self, t: Token) -> bool:
        while t.dep_ in ("appos", "compound", "conj"):
            if t.dep_ == "conj" and t.head.dep_ in ("nsubj", "nsubjpass"):
                return True
            t = t.head
        return t.dep_ in ("nsubj", "nsubjpass")

    def _build(self) -> None:
        doc, lex = self.doc, self.lex
        roots: dict[int, Token] = {}
        org_names: list[Span] = []
        for ent in doc.ents:
            if ent.label_ in NAME_LABELS:
                if len(ent) > 1 and ent.root.lower_ in lex.organization_heads:
                    # "The Kani People's Defence Force": the model's PERSON is a group's name
                    org_names.append(ent)
                    continue
                roots[ent.root.i] = ent.root
        for t in tokens_with_pos(doc, "PROPN"):  # every case below is a proper noun
            # a proper name after a title is a person even when NER calls it an ORG
            if t.pos_ == "PROPN" and t.i not in roots and t.dep_ != "compound" \
                    and t.ent_type_ not in ("GPE", "NORP") and any(
                        c.dep_ == "appos" and c.lemma_.lower() in lex.person_roles
                        for c in t.children):
                roots[t.i] = t  # "Natalia Humeniuk, the spokeswoman for the southern command"
                continue
            if t.pos_ == "PROPN" and t.i not in roots and t.dep_ == "conj" \
                    and t.head.i in roots and t.ent_type_ not in ("GPE", "NORP", "LOC"):
                roots[t.i] = t  # "Emmanuel Macron and Olaf Scholz" (NER: ORG)
                continue
            if t.pos_ == "PROPN" and t.i not in roots and t.dep_ == "appos" \
                    and t.head.pos_ == "NOUN" and t.head.lemma_.lower() in lex.person_roles \
                    and t.ent_type_ not in ("GPE", "NORP"):
                roots[t.i] = t  # "Ukraine's commander-in-chief, Oleksandr Syrskyi"
                continue
            if t.pos_ == "PROPN" and t.i not in roots and t.lower_ not in lex.titles \
                    and t.lower_ not in lex.organization_heads and t.ent_type_ != "GPE" \
                    and self._title_tokens(t, set()) and t.dep_ != "compound":
                roots[t.i] = t
        by_surname: dict[str, list[tuple[str, str | None, frozenset[str]]]] = {}
        raw: list[tuple[Token, tuple[str, str | None, frozenset[str]]]] = []
        for i in sorted(roots):
            info = self._name_of(roots[i])
            if not info[0].split():
                continue
            raw.append((roots[i], info))
            by_surname.setdefault(info[0].split()[-1].lower(), []).append(info)
        for root, (name, role, words) in raw:
            group = by_surname[name.split()[-1].lower()]
            canon = max((g[0] for g in group), key=lambda n: (len(n.split()), len(n)))
            roles = [g[1] for g in group if g[1]]
            # prefer an apposition-like role (longer) over a bare title
            best_role = max(roles, key=len) if roles else None
            allw = frozenset().union(*(g[2] for g in group))
            self._person_names[root.i] = (canon, best_role, allw)
            self.mentions.append(Mention(
                name=canon, kind="person", start=root.idx, sent=self.sent_of.get(root.i, 0),
                subject=self._is_subject(root), role=best_role, words=allw))
        for ent in [*doc.ents, *org_names]:
            if (ent.label_ == "ORG" or ent in org_names) and ent.root.i not in self._person_names:
                name = _strip_the(ent.text)
                self.mentions.append(Mention(
                    name=name, kind="organization", start=ent.start_char,
                    sent=self.sent_of.get(ent.root.i, 0), subject=self._is_subject(ent.root),
                    words=_words(name)))
        self.mentions.sort(key=lambda m: m.start)

    # -- resolution ------------------------------------------------------------------
    def person_at(self, tok: Token) -> tuple[str, str | None, frozenset[str]] | None:
        if tok.i in self._person_names:
            return self._person_names[tok.i]
        if tok.ent_type_ == "PERSON" or (tok.pos_ == "PROPN" and tok.dep_ == "compound"):
            h = tok
            while h.dep_ == "compound" and h.head.i != h.i:
                h = h.head
            if h.i in self._person_names:
                return self._person_names[h.i]
        return None

    def _remember(self, sp: Speaker, tok: Token, words: frozenset[str] = frozenset()) -> Speaker:
        if sp.name and sp.type:
            self.history.append(Mention(
                name=sp.name, kind=sp.type, start=tok.idx, sent=self.sent_of.get(tok.i, 0),
                subject=True, role=sp.role, words=words | {tok.lemma_.lower(), tok.lower_},
                plural=tok.tag_ in ("NNS", "NNPS") or sp.type == "group"))
            self.history[-1].words |= _words(sp.name)
        return sp

    def _candidates(self, before: int, kinds: set[str]) -> list[Mention]:
        pool = [m for m in self.mentions + self.history if m.start < before and m.kind in kinds]
        pool.sort(key=lambda m: m.start)
        return pool

    def _by_recent_sentence(self, pool: list[Mention], *, max_back: int,
                            here: int) -> Mention | None:
        if not pool:
            return None
        last = max(m.sent for m in pool)
        if here - last > max_back:
            return None
        same = [m for m in pool if m.sent == last]
        names = {m.name for m in same}
        subjects = {m.name for m in same if m.subject}
        speakers = [h for h in self.history if h in pool and here - h.sent <= max_back]
        if not subjects and speakers and speakers[-1].name not in names:
            # "..., said David Wasserman. [quotes mentioning Sanders] ... he said": the last
            # sentence names a person only as an object; the speaker being quoted goes on
            return speakers[-1]
        if len(names) == 1:
            return same[-1]
        if len(subjects) == 1:
            return next(m for m in same if m.name in subjects)
        spoken = [h for h in speakers if h.name in subjects]
        if spoken:
            return spoken[-1]  # of two subjects, the one already quoted
        return None  # two equally good antecedents: do not guess

    def _pronoun(self, tok: Token, kind: str) -> Speaker:
        here = self.sent_of.get(tok.i, 0)
        if kind == "person":
            # a name inside a quotation is talked about, not talking: in '"We will fight
            # until Henry is gone," he said', "he" is not Henry
            pool = [m for m in self._candidates(tok.idx, {"person", "anonymous"})
                    if not m.plural and (m in self.history or not inside_quote(self._quotes, m.start))]
            m = self._by_recent_sentence(pool, max_back=4, here=here)
        elif kind == "organization":
            m = self._by_recent_sentence(self._candidates(tok.idx, {"organization"}),
                                         max_back=3, here=here)
        else:
            pool = [h for h in self.history if h.start < tok.idx
                    and h.kind in ("group", "anonymous", "organization")]
            m = pool[-1] if pool and here - pool[-1].sent <= 3 else None
        if m is None:
            return Speaker(name=None, role=None, type=kind if kind != "organization" else None)
        return Speaker(name=m.name, role=m.role, type=m.kind)

    def _describe(self, tok: Token) -> tuple[str, bool, bool]:
        """Description text, whether indefinite/bare, and whether definite/possessive."""
        s, e = core_span(tok)
        text = _text(self.doc, s, e)
        dets = [c for c in tok.children if c.dep_ == "det"]
        poss = any(c.dep_ == "poss" for c in tok.children)
        definite = poss or any(d.lower_ in ("the", "this", "that", "these", "those") for d in dets)
        indefinite = not definite
        return text, indefinite, definite

    @staticmethod
    def _proper_agree(tok: Token, m: Mention) -> bool:
        """Names inside a description must agree with the candidate: "Ukraine's top general"
        fits a commander of the "Ukrainian" forces (compared on 5-letter stems)."""
        # a country in the description ("Ukraine's top general") is often not repeated next
        # to the name; only other names (an organization, a person) must agree
        names = {x.lower_[:5] for c in tok.children if c.dep_ in ("compound", "poss", "nmod")
                 for x in c.subtree if x.pos_ == "PROPN"
                 and x.ent_type_ not in ("GPE", "NORP", "LOC")}
        have = {w[:5] for w in m.words} | {w[:5] for w in _words(m.role or "")}
        return names <= have

    @staticmethod
    def _modifiers(tok: Token) -> frozenset[str]:
        """Words that narrow a description: "the infrastructure ministry" is not "the
        defence ministry"; "Abbas's office" is not "the UN human rights office"."""
        out = set()
        for c in tok.children:
            if c.dep_ in ("compound", "poss", "nmod") or (c.dep_ == "amod" and c.pos_ == "PROPN"):
                out |= {x.lower_ for x in c.subtree if x.pos_ in ("NOUN", "PROPN", "ADJ")
                        and x.tag_ != "POS"}
        return frozenset(out)

    def _find_described(self, tok: Token, head: str, kinds: set[str],
                        need: frozenset[str] = frozenset()) -> Mention | None:
        before = [m for m in self._candidates(tok.idx, kinds) if head in m.words
                  and need <= m.words]
        if before:
            return before[-1]
        here = self.sent_of.get(tok.i, 0)
        after = [m for m in self.mentions if m.start > tok.idx and m.kind in kinds
                 and head in m.words and need <= m.words and m.sent - here <= 2]
        return after[0] if after else None

    def resolve(self, tok: Token) -> Speaker:
        """Resolve the subject token of a cue to a speaker (call in text order)."""
        lex = self.lex
        low = tok.lower_
        if low in lex.not_speakers:
            return Speaker(None, None, None)  # impersonal or first-person: no source
        pk = lex.pronoun_kind(low)
        if pk is not None and tok.pos_ == "PRON":
            sp = self._pronoun(tok, pk)
            return self._remember(sp, tok) if sp.name else sp
        # "Ukraine's foreign minister, Dmytro Kuleba, told ..."
        if tok.pos_ == "NOUN":
            for c in tok.subtree:
                if c.dep_ == "appos" and c.i > tok.i and self.person_at(c):
                    name, role, words = self.person_at(c)  # type: ignore[misc]
                    return self._remember(Speaker(name, role, "person"), c, words)
        person = self.person_at(tok)
        if person:
            name, role, words = person
            return self._remember(Speaker(name, role, "person"), tok, words)
        head = tok.lemma_.lower()
        role = None
        for c in tok.children:
            if c.dep_ == "appos":
                s, e = c.left_edge.idx, c.right_edge.idx + len(c.right_edge.text)
                role = _text(self.doc, s, e).strip(" ,")
        if head in lex.statement_nouns and tok.pos_ == "NOUN":
            for c in tok.children:
                if c.dep_ in ("poss", "compound") and (c.pos_ == "PROPN" or c.ent_type_):
                    return self.resolve(c)
        if tok.pos_ == "PROPN" or tok.ent_type_ in ORG_LABELS:
            s, e = core_span(tok, keep_preps=True)
            name = _strip_the(_text(self.doc, s, e))
            if re.fullmatch(r"[A-Z]{2,6}", tok.text):
                full = [m for m in self.mentions if m.kind == "organization"
                        and _acronym(m.name) == tok.text and len(m.name) > len(tok.text)]
                if full:
                    name = full[0].name
            kind: str | None = "organization"
            appos_role = any(c.dep_ == "appos" and c.lemma_.lower() in lex.person_roles
                             for c in tok.children)
            if appos_role and tok.ent_type_ not in ("GPE", "NORP"):
                kind = "person"  # "Natalia Humeniuk, the spokeswoman for ..." (NER: ORG)
            elif not tok.ent_type_:
                if tok.lower_ not in lex.organization_heads and not re.fullmatch(
                        r"[A-Z]{2,6}", tok.text):
                    kind = None
            surname = tok.lower_
            known = [m for m in self.mentions if m.kind == "person"
                     and m.name.split()[-1].lower() == surname]
            if known:
                return self._remember(Speaker(known[0].name, known[0].role, "person"), tok,
                                      known[0].words)
            return self._remember(Speaker(name, role, kind), tok,
                                  frozenset(w.lower() for w in name.split()))
        # common nouns: descriptions
        text, indefinite, definite = self._describe(tok)
        if tok.lemma_.lower() in lex.quantifiers or tok.lower_ in lex.quantifiers:
            return self._remember(Speaker(text, role, "group"), tok)  # "Most of the candidates"
        plural = tok.tag_ in ("NNS", "NNPS")
        full = _text(self.doc, tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge.text))
        anon_phrase = any(p.search(full) for p in lex.anonymous_phrases)
        if head in lex.anonymous_heads and (indefinite or anon_phrase) and not (
                head in lex.group_heads and plural and not anon_phrase
                and head not in ("official", "source")):
            desc = text
            return self._remember(Speaker(desc, role, "anonymous"), tok)
        if definite and not plural:
            if head in lex.person_roles:
                m = self._find_described(tok, head, {"person", "anonymous"})
                if m is not None and not self._proper_agree(tok, m):
                    m = None  # "the UN Secretary-General's spokesman" is not the army's
                if m is None:
                    # "Hanna Malyar wrote ... wrote the deputy minister": a description of the
                    # last person speaker whose role the article has not given
                    here = self.sent_of.get(tok.i, 0)
                    recent = [h for h in self.history if h.start < tok.idx]
                    if recent and recent[-1].kind == "person" and recent[-1].role is None \
                            and here - recent[-1].sent <= 1:
                        m = recent[-1]
                if m is not None:
                    return self._remember(Speaker(m.name, m.role, m.kind), tok, m.words)
                return self._remember(Speaker(text, role or text, "person"), tok)
            if head in lex.organization_heads:
                m = self._find_described(tok, head, {"organization"}, self._modifiers(tok))
                if m is not None:
                    return self._remember(Speaker(m.name, m.role, m.kind), tok, m.words)
                return self._remember(Speaker(_strip_the(text), role, "organization"), tok)
        agent = len(head) >= 6 and head.endswith(lex.agent_suffixes)
        if plural and (head in lex.group_heads or head in lex.person_roles or agent):
            return self._remember(Speaker(text, role, "group"), tok)
        if head in lex.organization_heads:
            return self._remember(Speaker(_strip_the(text), role, "organization"), tok)
        if indefinite and not plural and (head in lex.person_roles | lex.group_heads or agent
                                          or head in lex.speaker_nouns):
            return self._remember(Speaker(text, role, "anonymous"), tok)
        return Speaker(text, role, None)
