"""Everything a shipped program prints cites what a user of a fresh clone can open.

A citation, reference, note, notice, description, section heading, output text or case name
may point at a primary source (bill, statute, official page) or at a document in this
repository, never at a design note kept outside it. A ``.md`` name must be a file in the
repository (as a path from its root), and a ``file.md#anchor`` must be one of its headings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from statevisa.programs import shipped_ids
from statevisa.rules.casetests import case_files, load_cases
from statevisa.rules.load import load_program
from statevisa.rules.model import Citation, Program
from statevisa.rules.source import parse_yaml

REPO = Path(__file__).parents[2]
PROGRAM_DOCS = REPO / "docs" / "programs"
PENDING: dict[str, str] = {}
"""Programs whose citations another engineer is rewriting; strict, so a fix makes this fail."""

BANNED = (
    (re.compile(r"spec §"), "cites a design-note section ('spec §')"),
    (re.compile(r"\bspecs?\b", re.IGNORECASE), "cites 'the spec', a design note not in the repo"),
    (re.compile(r"\.\./shared"), "points into ../shared, which a fresh clone does not have"),
    (re.compile(r"(?<![\w.])shared/"), "points into shared/, which a fresh clone does not have"),
)
URL = re.compile(r"\bhttps?://\S+")
MD_NAME = re.compile(r"(?<![\w./-])((?:[\w.-]+/)*[\w.-]+\.md)(?![\w])(?:#([\w-]+))?")
OPEN_ITEM = re.compile(r"\bopen items?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Shown:
    """One text the engine prints (or a user reads in the file), and where it comes from."""

    where: str
    text: str


def slug(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces to '-'."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors of every heading in a Markdown file (code blocks skipped)."""
    found: set[str] = set()
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := re.match(r"#{1,6} +(.*?) *#*$", line)):
            found.add(slug(match.group(1)))
    return found


def offences(text: str) -> list[str]:
    """What is wrong with one shown text; empty when every pointer in it can be opened."""
    found = [reason for pattern, reason in BANNED if pattern.search(text)]
    for match in MD_NAME.finditer(URL.sub(" ", text)):
        name, anchor = match.group(1), match.group(2)
        target = REPO / name
        if not target.is_file():
            found.append(f"names {name}, which is not a file in the repository")
        elif anchor and anchor not in anchors(target):
            found.append(f"names {name}#{anchor}, which is not a heading of {name}")
    if OPEN_ITEM.search(text) and "docs/programs/" not in text:
        found.append("names an open item without the docs/programs/<id>.md that lists it")
    return found


def _cite(where: str, citation: Citation | None) -> Iterator[Shown]:
    if citation is not None:
        yield Shown(f"{where} cite", citation.text)


def program_texts(program: Program) -> Iterator[Shown]:
    """Every text the loaded program can print: metadata, sources, rules, notices."""
    yield Shown("title", program.title)
    yield Shown("description", program.description)
    for key, reference in program.references.items():
        yield Shown(f"reference {key} title", reference.title)
        yield Shown(f"reference {key} url", reference.url or "")
    for name, given in program.inputs.items():
        yield Shown(f"input {name} description", given.description)
    for name, parameter in program.parameters.items():
        yield Shown(f"parameter {name} description", parameter.description)
        for period in parameter.periods:
            yield from _cite(f"parameter {name} {period.start}", period.citation)
            yield Shown(f"parameter {name} {period.start} note", period.note or "")
    for name, rule in program.rules.items():
        yield Shown(f"rule {name} description", rule.description)
        yield from _cite(f"rule {name}", rule.citation)
        yield Shown(f"rule {name} formula (its output text)", rule.formula)
    for constraint in program.constraints:
        yield Shown(f"constraint {constraint.name} message", constraint.message)
    for notice in program.notices:
        yield Shown(f"notice from {notice.start} message", notice.message)
        yield from _cite(f"notice from {notice.start}", notice.citation)


def section_texts(program_file: Path) -> Iterator[Shown]:
    """The heading and description of each section file (the loader keeps only their contents)."""
    listed = parse_yaml(program_file.read_text(encoding="utf-8"), str(program_file)).root.get("sections")
    for name in listed or []:
        path = program_file.parent / str(name)
        root = parse_yaml(path.read_text(encoding="utf-8"), str(path)).root
        for key in ("section", "description"):
            yield Shown(f"{name} {key}", str(root.get(key, "")))


def case_texts(program_file: Path) -> Iterator[Shown]:
    """Case names and expected texts, which `statevisa test` prints."""
    for path in case_files(program_file.parent):
        for case in load_cases(path)[1]:
            where = f"{path.relative_to(program_file.parent)} case '{case.name}'"
            yield Shown(f"{where} name", case.name)
            yield Shown(f"{where} error", case.error or "")
            for output, value in case.expected.items():
                if isinstance(value, str):
                    yield Shown(f"{where} expected {output}", value)


def shown(program_file: Path) -> list[Shown]:
    return [
        *program_texts(load_program(program_file)),
        *section_texts(program_file),
        *case_texts(program_file),
    ]


def problems_of(program_file: Path) -> list[str]:
    return [
        f"{item.where}: {reason}: {item.text!r}"
        for item in shown(program_file)
        for reason in offences(item.text)
    ]


def _pending(program_id: str) -> list[pytest.MarkDecorator]:
    return [pytest.mark.xfail(reason=PENDING[program_id], strict=True)] if program_id in PENDING else []


PROGRAMS = [
    pytest.param(key, path, id=key, marks=_pending(key)) for key, path in sorted(shipped_ids().items())
]


@pytest.mark.parametrize(("program_id", "program_file"), PROGRAMS)
def test_program_cites_only_what_a_fresh_clone_can_open(program_id: str, program_file: Path) -> None:
    found = problems_of(program_file)
    assert not found, f"{len(found)} offending texts in {program_id}:\n" + "\n".join(found)


@pytest.mark.parametrize(("program_id", "program_file"), PROGRAMS)
def test_program_has_its_own_account_in_docs(program_id: str, program_file: Path) -> None:
    assert program_file.is_file()
    doc = PROGRAM_DOCS / f"{program_id}.md"
    assert doc.is_file(), f"{program_id} has no docs/programs/{program_id}.md"
    assert "open-items" in anchors(doc), f"docs/programs/{program_id}.md has no '## Open items' heading"
    index = (REPO / "docs" / "programs.md").read_text(encoding="utf-8")
    assert f"programs/{program_id}.md" in index, f"docs/programs.md does not link {program_id}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("S1: table A1", []),
        ("B1: Sec. 2 [P]; the form of docs/policy-language.md#notices", []),
        ("OPEN (docs/programs/README.md#open-items, item 3)", ["not a file"]),
        ("w-visa-s1040.md §1 status.max_renewals: OPEN", ["not a file"]),
        ("S1: first official language (spec §4)", ["spec §", "'the spec'"]),
        ("encoded from shared/specs/programs/h1b-lottery.md", ["'the spec'", "shared/", "not a file"]),
        ("read ../shared/data", ["../shared", "shared/"]),
        ("docs/policy-language.md#no-such-heading", ["not a heading"]),
        ("OPEN (open item 3)", ["open item"]),
        ("a copy at https://github.com/owner/repo/blob/main/notes.md", []),
        ("specialist education (Part 6D.7A)", []),
    ],
)
def test_offences_catch_design_note_pointers_and_nothing_else(text: str, expected: list[str]) -> None:
    found = offences(text)
    assert len(found) == len(expected), found
    for fragment, reason in zip(expected, found, strict=True):
        assert fragment in reason


def test_slug_matches_github_anchors() -> None:
    assert slug("Open items") == "open-items"
    assert slug("Rule 5: termination (a)-(c)") == "rule-5-termination-a-c"
    assert slug("H.R. 5174 § 2") == "hr-5174--2"
