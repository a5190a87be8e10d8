"""Request bodies, validated strictly at the edge: no number is taken for a date or a string,
no string for a number, no unknown member; sizes are bounded before a service sees them."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
)

from statevisa.cases.states import CaseState


def _iso_text(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError("must be an ISO date string, YYYY-MM-DD")
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


Date = Annotated[dt.date, Field(strict=False), BeforeValidator(_iso_text)]
Number = Annotated[float, Field(strict=False), BeforeValidator(lambda v: _number(v)), AfterValidator(_finite)]
Fips = Annotated[StrictStr, Field(pattern=r"^(US|\d{2}|\d{5})$")]
State = Annotated[StrictStr, Field(pattern=r"^\d{2}$")]
County = Annotated[StrictStr, Field(pattern=r"^\d{5}$")]
Id = Annotated[StrictInt, Field(ge=1, le=2**53)]
Text = Annotated[StrictStr, Field(min_length=1, max_length=20_000)]
Name = Annotated[StrictStr, Field(min_length=1, max_length=300)]


def _number(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a JSON number")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ProgramUpload(Strict):
    files: dict[
        Annotated[StrictStr, Field(max_length=100)], Annotated[StrictStr, Field(max_length=2_000_000)]
    ] = Field(min_length=1, max_length=40)


class CommentPeriod(Strict):
    opens: Date
    closes: Date


class CommentIn(Strict):
    body: Text


class DecisionIn(Strict):
    approve: StrictBool
    reasons: Text


class CapsIn(Strict):
    program: Name
    year: Annotated[StrictInt, Field(ge=1900, le=2200)]
    population_year: Annotated[StrictInt, Field(ge=1900, le=2200)] | None = None


class ParticipationIn(Strict):
    county: County
    decision: Literal["opt_in", "opt_out"]
    effective: Date
    deciding_body: Name
    votes_for: Annotated[StrictInt, Field(ge=0, le=100_000)]
    votes_against: Annotated[StrictInt, Field(ge=0, le=100_000)]
    votes_abstain: Annotated[StrictInt, Field(ge=0, le=100_000)] = 0
    year: Annotated[StrictInt, Field(ge=1900, le=2200)] | None = None


class EmployerIn(Strict):
    name: Name
    state: State
    ein: Annotated[StrictStr, Field(max_length=12)] | None = None
    owner: Annotated[StrictStr, Field(max_length=200)] | None = None


class JobOfferIn(Strict):
    title: Name
    soc_code: Annotated[StrictStr, Field(max_length=10)]
    annual_wage: Number
    worksite_county: County


class ApplicantIn(Strict):
    state: State
    given_name: Annotated[StrictStr, Field(max_length=200)]
    family_name: Annotated[StrictStr, Field(max_length=200)]
    date_of_birth: Date | None = None
    country_of_birth: Annotated[StrictStr, Field(max_length=3)] | None = None
    document_number: Annotated[StrictStr, Field(max_length=40)] | None = None
    document_country: Annotated[StrictStr, Field(max_length=3)] | None = None
    address: Annotated[StrictStr, Field(max_length=1000)] | None = None
    immigration_status: Annotated[StrictStr, Field(max_length=64)] | None = None
    owner: Annotated[StrictStr, Field(max_length=200)] | None = None


Scalar = (
    StrictStr | StrictBool | StrictInt | Annotated[float, Field(strict=True), AfterValidator(_finite)] | None
)


class ApplicationIn(Strict):
    program: Name
    state: State
    inputs: dict[Annotated[StrictStr, Field(max_length=100)], Scalar] = Field(max_length=500)
    applicant_id: Id | None = None
    job_offer_id: Id | None = None
    external_id: Annotated[StrictStr, Field(min_length=1, max_length=64)] | None = None
    mrz: list[Annotated[StrictStr, Field(max_length=60)]] | None = Field(
        default=None, min_length=2, max_length=3
    )
    national_ids: (
        dict[Annotated[StrictStr, Field(max_length=20)], Annotated[StrictStr, Field(max_length=40)]] | None
    ) = Field(default=None, max_length=10)


class RoundIn(Strict):
    program: Name
    state: State
    kind: Literal["ranked", "lottery", "matching"]
    invitations: Annotated[StrictInt, Field(ge=0, le=10_000_000)] | None = None
    min_score: Annotated[float, Field(strict=True), AfterValidator(_finite)] | None = None
    slots: Annotated[StrictInt, Field(ge=0, le=10_000_000)] | None = None
    commitment: Annotated[StrictStr, Field(min_length=64, max_length=64)] | None = None
    capacities: (
        dict[Annotated[StrictStr, Field(max_length=64)], Annotated[StrictInt, Field(ge=0, le=10_000_000)]]
        | None
    ) = None
    preferences: (
        dict[Annotated[StrictStr, Field(max_length=20)], list[Annotated[StrictStr, Field(max_length=64)]]]
        | None
    ) = None


class DrawIn(Strict):
    seed: Annotated[StrictStr, Field(min_length=32, max_length=128)]


class TransferIn(Strict):
    employer_id: Id | None = None
    state: State | None = None
    consent: Annotated[StrictStr, Field(max_length=200)] | None = None


class TransitionIn(Strict):
    to: Annotated[CaseState, Field(strict=False)]  # a state's name; lax only to read the name as the enum
    reason: Annotated[StrictStr, Field(min_length=1, max_length=4000)]
    transfer: TransferIn | None = None


class ReportIn(Strict):
    kind: Annotated[StrictStr, Field(max_length=32)]
    period_end: Date
    details: dict[Annotated[StrictStr, Field(max_length=100)], Any] = Field(
        default_factory=dict, max_length=50
    )


class EnrolmentIn(Strict):
    service: Annotated[StrictStr, Field(max_length=64)]
    status: Literal["enrolled", "completed"]


class SweepIn(Strict):
    jurisdiction: Fips


class CooperationRequestIn(Strict):
    jurisdiction: Annotated[StrictStr, Field(pattern=r"^\d{2}$")]
    action: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    facts: dict[Annotated[StrictStr, Field(max_length=64)], Any] = Field(max_length=64)
    fields: list[Annotated[StrictStr, Field(max_length=64)]] = Field(default_factory=list, max_length=50)
    applicant_id: Id | None = None
    include_unconfirmed: StrictBool = False


class AdjudicationIn(Strict):
    outcome: Literal["same-person", "different-people"]
    reason: Annotated[StrictStr, Field(min_length=10, max_length=4000)]
