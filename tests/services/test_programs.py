"""Program use cases return data: warnings, explanations and refusals a caller can render."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from statevisa.errors import InputError, PolicyError
from statevisa.services import programs
from tests.conftest import CRS_E3


def test_opening_a_program_returns_its_warnings_as_data() -> None:
    opened = programs.open_program("heartland", dt.date(2025, 6, 1))
    assert opened.program.id == "heartland"
    assert any("not confirmed law" in warning for warning in opened.warnings)


def test_an_unknown_program_is_a_coded_problem() -> None:
    with pytest.raises(PolicyError) as caught:
        programs.open_program("no-such-program", dt.date(2025, 6, 1))
    assert caught.value.problems[0].code == "unknown-program"


def test_the_list_names_every_shipped_program_with_its_folder() -> None:
    listed = {item.id: item for item in programs.list_programs()}
    assert listed["canada-crs"].folder == "ca/canada-crs"
    assert listed["california-ab20"].folder == "us/states/06/california-ab20"
    assert listed["w-visa"].folder == "us/federal/w-visa"


def test_an_explanation_is_a_document(tmp_path: Path) -> None:
    case = tmp_path / "e3.json"
    case.write_text(json.dumps(CRS_E3), encoding="utf-8")
    explanation = programs.explain_case("canada-crs", case, dt.date(2025, 3, 24))
    document = explanation.to_json()
    assert explanation.result.outputs["score"] == 579
    assert document["outputs"] == dict(explanation.result.outputs)
    assert json.loads(json.dumps(document, allow_nan=False)) == document


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\xff\xfe{}", "not-utf8"),
        (b"[" * 50 + b"]" * 50, "too-deep"),
        (b'{"age": NaN}', "invalid-json"),
        (b'{"age": Infinity}', "invalid-json"),
        (b"[1, 2]", "not-an-object"),
        (b'{"age": 3', "invalid-json"),
        (b" " * (programs.MAX_CASE_BYTES + 1), "too-large"),
    ],
)
def test_a_bad_case_file_is_refused_with_a_code(tmp_path: Path, content: bytes, code: str) -> None:
    case = tmp_path / "case.json"
    case.write_bytes(content)
    with pytest.raises(InputError) as caught:
        programs.read_case(case)
    assert caught.value.problems[0].code == code
    assert caught.value.problems[0].location.file == str(case)


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"id": "[" * 100 + '"\\"{'}), encoding="utf-8")
    assert programs.read_case(case)["id"] == "[" * 100 + '"\\"{'
