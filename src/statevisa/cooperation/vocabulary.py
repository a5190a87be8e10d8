"""The fixed words of cooperation law: actions, data categories, decisions and the request facts.

A federal request is described by one action and a set of facts; every rule of every
jurisdiction speaks in these words only, so the law files, the request gate and the capacity
model cannot drift apart. The facts are typed in the rules engine's types (`rules.model.Type`):
rule conditions are policy-language expressions type-checked against this vocabulary.
See docs/cooperation.md for what each word means in law.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from statevisa.rules.model import Kind, Type, Value

FEDERAL = "US"
"""The jurisdiction of the federal frame: its rules apply everywhere at priority 0."""
FRAME_START = dt.date(1996, 9, 30)
"""IIRIRA's enactment (8 U.S.C. 1357(g)): the first day a decision can be taken."""
TERRITORIES = ("60", "66", "69", "72", "78")
"""American Samoa, Guam, Northern Mariana Islands, Puerto Rico, US Virgin Islands: valid
jurisdictions that get the federal frame only."""


class Verdict(StrEnum):
    """What state law says of an action."""

    REQUIRED = "required"
    PERMITTED = "permitted"
    PROHIBITED = "prohibited"


class RuleStatus(StrEnum):
    """How well a rule was read: CONFIRMED rules decide; UNCONFIRMED leads only on request."""

    CONFIRMED = "CONFIRMED"
    UNCONFIRMED = "UNCONFIRMED"


DATE_PRECISIONS = ("day", "day_secondary", "day_unconfirmed", "month_bound", "year_bound")
"""How well a rule's first day is known; a bound is the last day of the month or year, the
earliest day the law was surely in force."""
SOURCE_TAGS = ("P", "M", "V", "S", "S*", "U")
"""P primary text, M faithful mirror or agency summary, V verified from a statute mirror,
S secondary sources, S* an unreviewed stance list only, U background knowledge."""

SHARE_DATA = "share_data"
SHARE_STATUS = "share_status"
ACTIONS = (
    "honor_detainer",
    "notify_release",
    "transfer_custody",
    "allow_jail_access",
    SHARE_DATA,
    SHARE_STATUS,
    "enter_287g",
    "enter_detention_contract",
    "inquire_status",
    "use_resources",
)
"""Action ids; `share_data` is always written with a category: ``share_data:address``."""
CATEGORIES = (
    "address",
    "workplace",
    "contact",
    "associates",
    "schedule",
    "criminal_history",
    "dmv_record",
    "visa_program_record",
    "voter_record",
    "benefits_record",
)
"""What a `share_data` request asks for. Status alone is `share_status`, never a category."""
WILDCARD = "*"
"""``share_data:*`` in a rule matches every category; a request always names one."""
STATUS_FIELD = "immigration_status"
"""The field a data request asks for when it wants citizenship or immigration status only."""
FIELDS = {**{category: f"{SHARE_DATA}:{category}" for category in CATEGORIES}, STATUS_FIELD: SHARE_STATUS}
"""Fields a request may ask to have released, and the action that decides each."""

CONVICTION_TAGS = (
    "felony",
    "misdemeanor",
    "serious_felony",
    "violent_felony",
    "state_prison_felony",
    "listed_felony_within_15y",
    "listed_wobbler_misdemeanor_within_5y",
    "federal_aggravated_felony",
    "impaired_driving",
    "protective_order_violation",
    "nc_listed_a1_misdemeanor",
    "nc_162_62a_listed",
)
"""Offence tags for `convictions` and `pending_charges`; the caller classifies offences."""
IMPLIED_TAGS = {
    "serious_felony": "felony",
    "violent_felony": "felony",
    "state_prison_felony": "felony",
    "listed_felony_within_15y": "felony",
    "listed_wobbler_misdemeanor_within_5y": "misdemeanor",
    "nc_listed_a1_misdemeanor": "misdemeanor",
}
"""A tag that implies another, added before evaluation (a serious felony is a felony).
`federal_aggravated_felony` implies nothing: it may be a state misdemeanour."""

AGENCY_TYPES = (
    "sheriff",
    "county_corrections",
    "municipal_police",
    "state_police",
    "state_corrections",
    "probation",
    "court",
    "dmv",
    "state_visa_program",
    "benefits_agency",
    "school",
    "other_state_agency",
    "other_local_agency",
)


@dataclass(frozen=True)
class Fact:
    """One key of a request's facts: its type, its default and what it means."""

    name: str
    type: Type
    default: Value | None
    meaning: str


def _enum(*values: str) -> Type:
    return Type(Kind.ENUM, values)


BOOL = Type(Kind.BOOL)
TAGS = Type(Kind.TAGS, CONVICTION_TAGS)
NO_TAGS: frozenset[str] = frozenset()

FACTS: tuple[Fact, ...] = (
    Fact("requester", _enum("ICE", "CBP", "USCIS", "other_dhs", "other_federal", "state_or_local", "other"),
         "ICE", "who asks"),
    Fact("purpose", _enum("civil_immigration_enforcement", "criminal_investigation", "benefit_eligibility",
                          "other"), "civil_immigration_enforcement", "what the information or action is for"),
    Fact("agency_type", _enum(*AGENCY_TYPES), "sheriff", "the body that received the request"),
    Fact("operates_jail", BOOL, False, "the body (for a sheriff: the county) operates a jail"),
    Fact("county_population", Type(Kind.INT), None,
         "population of the county (reserved: no rule reads it yet)"),
    Fact("in_custody", BOOL, True, "the person is in the body's custody"),
    Fact("detainer", BOOL, True, "an immigration detainer or hold request has been lodged"),
    Fact("administrative_warrant", BOOL, False,
         "an administrative warrant signed by an immigration officer (I-200, I-203, I-205) accompanies it"),
    Fact("judicial_warrant", BOOL, False, "a warrant, order or subpoena signed by a judge authorises it"),
    Fact("judicial_warrant_court", _enum("federal_article_iii", "federal_magistrate", "state", "unknown"),
         "unknown", "who signed the judicial warrant"),
    Fact("federal_criminal_warrant", BOOL, False, "a federal criminal arrest warrant is presented"),
    Fact("judicial_probable_cause_determination", BOOL, False,
         "a judge found probable cause for the immigration-related custody"),
    Fact("final_order_of_removal", BOOL, False, "subject to a final removal order of an immigration judge"),
    Fact("convictions", TAGS, NO_TAGS, "convictions, as offence tags"),
    Fact("pending_charges", TAGS, NO_TAGS, "charges the person is held on, as offence tags"),
    Fact("charge_probable_cause_found", BOOL, False, "a magistrate found probable cause on a pending charge"),
    Fact("registered_sex_or_arson_offender", BOOL, False, "currently registered as a sex or arson offender"),
    Fact("outstanding_federal_felony_warrant", BOOL, False,
         "identified by ICE as subject to an outstanding federal felony arrest warrant"),
    Fact("proof_of_citizenship", BOOL, False, "the person has shown proof of US citizenship"),
    Fact("proof_of_lawful_status", BOOL, False, "the person has shown proof of lawful immigration status"),
    Fact("information_public", BOOL, False, "the information requested is already available to the public"),
    Fact("interview_consent", BOOL, False, "the person signed a written consent to the ICE interview"),
    Fact("agreement_model", _enum("jail", "task_force", "warrant_service", "unspecified"), "unspecified",
         "the 287(g) model, for enter_287g"),
)  # fmt: skip
FACT_TYPES = {fact.name: fact for fact in FACTS}
RESERVED_FACTS = frozenset({"county_population"})
"""Facts accepted and reported but not readable by conditions yet (no rule has read them)."""
CATEGORY = "category"
"""The built-in name a condition reads for the share_data category ('' for other actions)."""
CATEGORY_TYPE = _enum("", *CATEGORIES)


def condition_names() -> dict[str, Type]:
    """Every name a rule condition may read, with its type."""
    names = {fact.name: fact.type for fact in FACTS if fact.name not in RESERVED_FACTS}
    return {**names, CATEGORY: CATEGORY_TYPE}


@dataclass(frozen=True)
class Action:
    """An action id split into its base and its share_data category ('' for other actions)."""

    base: str
    category: str = ""

    def __str__(self) -> str:
        return f"{self.base}:{self.category}" if self.base == SHARE_DATA else self.base

    def covers(self, asked: Action) -> bool:
        """Whether a rule written for this action speaks to the `asked` one (``share_data:*``
        covers every category)."""
        return self.base == asked.base and self.category in (asked.category, WILDCARD)


def action_problem(text: str, *, wildcard: bool = False) -> str | None:
    """Why `text` is not an action id (None: it is one). Rules may write ``share_data:*``
    when `wildcard`; a request always names one category."""
    base, colon, category = text.partition(":")
    if base not in ACTIONS:
        known = ", ".join(a for a in ACTIONS if a != SHARE_DATA)
        return f"unknown action '{text}' (actions: {known}, share_data:<category>)"
    if base != SHARE_DATA:
        return f"action '{base}' takes no category" if colon else None
    if not category:
        return f"share_data needs a category: share_data:<category> (categories: {', '.join(CATEGORIES)})"
    if category == WILDCARD and wildcard:
        return None
    if category not in CATEGORIES:
        hint = " (status alone is the action share_status)" if "status" in category else ""
        return f"unknown data category '{category}'{hint} (categories: {', '.join(CATEGORIES)})"
    return None


def as_action(text: str) -> Action:
    """`text` as an Action; call `action_problem` first."""
    base, _, category = text.partition(":")
    return Action(base, category)
