"""Bulk intake: a file of applications decided as single submissions are, written all or nothing."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import func, select, text

from statevisa.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from statevisa.services import applications, cases, intake
from statevisa.services import program_versions as versions
from statevisa.services.applications import Submission
from statevisa.services.context import Platform
from statevisa.store.models import Application, AuditEvent, Case, Event
from tests.platform import CALIFORNIA, FEDERAL, NOW, TEXAS, act
from tests.services.conftest import W_CASE

ON = NOW.date()


def w_rows(count: int) -> pl.DataFrame:
    """W visa applications as an office's spreadsheet holds them: text cells, one in three inadmissible."""
    rows = [{"id": f"ca-{n:03d}", **{k: str(v).lower() for k, v in W_CASE.items()}} for n in range(count)]
    for n in range(0, count, 3):
        rows[n]["purpose"] = "none"
    return pl.DataFrame(rows)


def write(tmp_path: Path, frame: pl.DataFrame, name: str = "applications.csv") -> Path:
    path = tmp_path / name
    if name.endswith(".csv"):
        frame.write_csv(path)
    else:
        frame.write_parquet(path)
    return path


def imported(
    platform: Platform, path: Path, program: str = "w-visa", state: str | None = "06"
) -> intake.Imported:
    return act(platform, CALIFORNIA, intake.import_table, path, program, state, ON)


def counts(platform: Platform) -> tuple[int, int, int, int]:
    with platform.session() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Application, Case, Event, AuditEvent)
        )


def test_every_row_is_decided_as_its_single_submission_is(
    platform: Platform, w_visa: versions.VersionView, tmp_path: Path
) -> None:
    frame = w_rows(6)
    done = imported(platform, write(tmp_path, frame))
    assert (done.rows, done.eligible, done.states, done.version_id) == (6, 4, ["06"], w_visa.id)
    ids = range(done.first_application_id, done.last_application_id + 1)
    for row, application_id in zip(frame.iter_rows(named=True), ids, strict=True):
        bulk = act(platform, CALIFORNIA, applications.get, application_id)
        inputs = {name: value for name, value in row.items() if name != "id"}
        single = act(platform, CALIFORNIA, applications.submit, Submission("w-visa", "06", inputs))
        assert (bulk.outputs, bulk.eligible, bulk.score) == (single.outputs, single.eligible, single.score)
        assert bulk.case_state == single.case_state == ("eligible" if single.eligible else "ineligible")
        assert bulk.explanation is not None  # explained on first read
        history = [
            (e.from_state, e.to_state, e.reason)
            for e in act(platform, CALIFORNIA, cases.get, bulk.case_id).events
        ]
        assert history == [
            (e.from_state, e.to_state, e.reason)
            for e in act(platform, CALIFORNIA, cases.get, single.case_id).events
        ]


def test_times_and_dates_are_stored_as_a_single_submission_stores_them(
    platform: Platform, w_visa: object, tmp_path: Path
) -> None:
    """Constants are bound once per import, not per row: the stored values must not differ."""
    done = imported(platform, write(tmp_path, w_rows(1)))
    single = act(platform, CALIFORNIA, applications.submit, Submission("w-visa", "06", W_CASE))
    raw = text(
        "SELECT a.submitted_at, a.evaluated_on, c.opened_at, c.updated_at, e.at FROM applications a "
        "JOIN cases c ON c.application_id = a.id JOIN case_events e ON e.case_id = c.id "
        "WHERE a.id = :id ORDER BY e.id"
    )
    with platform.session() as session:
        bulk = session.execute(raw, {"id": done.first_application_id}).all()
        one = session.execute(raw, {"id": single.id}).all()
    assert [tuple(row) for row in bulk] == [tuple(row) for row in one]
    assert len(bulk) == 2


def test_scores_match_the_single_path_and_parquet_reads_as_csv(
    platform: Platform, pilot: versions.VersionView, tmp_path: Path
) -> None:
    frame = pl.DataFrame({"id": ["a", "b", "c"], "years_of_experience": [1, 7, 30]})
    done = imported(platform, write(tmp_path, frame, "pilot.parquet"), "integration-pilot", None)
    assert (done.rows, done.eligible, done.states) == (3, 2, ["06"])
    for years, application_id in zip(
        [1, 7, 30], range(done.first_application_id, done.last_application_id + 1), strict=True
    ):
        bulk = act(platform, CALIFORNIA, applications.get, application_id)
        single = act(platform, CALIFORNIA, applications.submit,
                     Submission("integration-pilot", "06", {"years_of_experience": years}))  # fmt: skip
        assert (bulk.outputs, bulk.eligible, bulk.score) == (single.outputs, single.eligible, single.score)


def test_the_import_is_one_audit_event_with_the_files_hash_and_row_count(
    platform: Platform, w_visa: object, tmp_path: Path
) -> None:
    path = write(tmp_path, w_rows(4))
    done = imported(platform, path)
    with platform.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "application.import")).one()
    assert event.detail["file_sha256"] == done.file_sha256 == intake.file_sha256(path)
    assert (event.detail["rows"], event.detail["batch"], event.actor) == (4, done.batch, CALIFORNIA.subject)


def test_a_bad_cell_refuses_the_whole_file_naming_its_row_and_column(
    platform: Platform, w_visa: object, tmp_path: Path
) -> None:
    frame = w_rows(4).with_columns(
        pl.when(pl.col("id") == "ca-002").then(pl.lit("king")).otherwise("role").alias("role")
    )
    before = counts(platform)
    path = write(tmp_path, frame)
    with pytest.raises(InputError) as refused:
        imported(platform, path)
    assert refused.value.messages == [
        f"{path}: row 4 (id ca-002), column role: 'king' is not one of principal, spouse, minor_child"
    ]
    assert counts(platform) == before


def test_an_id_repeated_in_the_file_or_already_imported_is_refused(
    platform: Platform, w_visa: object, tmp_path: Path
) -> None:
    repeated = write(tmp_path, pl.concat([w_rows(3), w_rows(1)]), "repeated.csv")
    with pytest.raises(InputError) as refused:
        imported(platform, repeated)
    assert refused.value.messages == [
        f"{repeated}: row 5 (id ca-000), column id: duplicate id, first used in row 2"
    ]
    first = imported(platform, write(tmp_path, w_rows(2)))
    again = write(tmp_path, w_rows(3), "again.csv")
    before = counts(platform)
    with pytest.raises(InputError) as refused:
        imported(platform, again)
    taken = (first.first_application_id, first.last_application_id)
    assert refused.value.messages == [
        f"{again}: row {n + 2} (id ca-00{n}), column id: "
        f"id ca-00{n} is already application {taken[n]} of w-visa in 06"
        for n in (0, 1)
    ]
    assert counts(platform) == before


def test_the_same_id_may_be_used_by_another_state(platform: Platform, w_visa: object, tmp_path: Path) -> None:
    imported(platform, write(tmp_path, w_rows(2)))
    done = act(platform, TEXAS, intake.import_table, write(tmp_path, w_rows(2), "tx.csv"), "w-visa", "48", ON)
    assert (done.rows, done.states) == (2, ["48"])


def test_a_row_in_the_wrong_state_is_refused(platform: Platform, pilot: object, tmp_path: Path) -> None:
    frame = pl.DataFrame({"id": ["a", "b"], "state": ["06", "48"], "years_of_experience": ["3", "4"]})
    path = write(tmp_path, frame)
    with pytest.raises(InputError) as refused:
        imported(platform, path, "integration-pilot", None)
    assert refused.value.messages == [
        f"{path}: row 3 (id b), column state: '48' is not 06, where program integration-pilot runs"
    ]
    unknown = write(tmp_path, frame.with_columns(pl.lit("6").alias("state")), "unknown.csv")
    with pytest.raises(InputError) as refused:
        imported(platform, unknown, "integration-pilot", None)
    assert refused.value.messages[0] == f"{unknown}: row 2 (id a), column state: '6' is not a state FIPS code"


def test_a_state_column_must_agree_with_the_state_given(
    platform: Platform, w_visa: object, tmp_path: Path
) -> None:
    path = write(tmp_path, w_rows(2).with_columns(pl.Series("state", ["06", "48"])))
    with pytest.raises(InputError) as refused:
        imported(platform, path, "w-visa", "06")
    assert refused.value.messages == [
        f"{path}: row 3 (id ca-001), column state: '48' is not 06, the --state given"
    ]


def test_a_national_program_needs_a_state(platform: Platform, w_visa: object, tmp_path: Path) -> None:
    with pytest.raises(InputError) as refused:
        imported(platform, write(tmp_path, w_rows(2)), "w-visa", None)
    assert refused.value.messages == [
        "--state: program w-visa is national: give --state FIPS, or a state column in the file"
    ]


def test_an_officer_imports_into_their_own_state_only(
    platform: Platform, w_visa: object, tmp_path: Path
) -> None:
    path = write(tmp_path, w_rows(2).with_columns(pl.Series("state", ["06", "48"])))
    with pytest.raises(ForbiddenError, match="may not import this application in 48"):
        imported(platform, path, "w-visa", None)
    done = act(platform, FEDERAL, intake.import_table, path, "w-visa", None, ON)
    assert done.states == ["06", "48"]


def test_a_program_without_an_approved_version_takes_no_import(platform: Platform, tmp_path: Path) -> None:
    path = write(tmp_path, w_rows(2))
    with pytest.raises(NotFoundError, match="no program w-visa"):
        imported(platform, path)
    act(platform, FEDERAL, versions.upload, versions.shipped_files("w-visa"))
    with pytest.raises(
        ConflictError, match="program w-visa has no approved version: it takes no applications"
    ):
        imported(platform, path)
