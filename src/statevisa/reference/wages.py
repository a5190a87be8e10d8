"""OEWS prevailing-wage levels I-IV for a state, an SOC occupation and an offered wage.

Method in force. The Department of Labor sets four OEWS-based wage levels under INA
§ 212(p)(4) (8 U.S.C. § 1182(p)(4)) and 20 CFR 656.40, as applied by DOL ETA's
"Prevailing Wage Determination Policy Guidance, Nonagricultural Immigration Programs"
(revised November 2009; https://www.flcdatacenter.com/skill.aspx). Since OEWS wages were
first used (1998) DOL has computed Level I as the mean wage of the lowest third of the
occupation's wage distribution in the area (about the 17th percentile) and Level IV as the
mean of the upper two-thirds (about the 67th percentile); Levels II and III follow the
statute: "dividing by 3 the difference between the 2 levels offered, adding the quotient
thus obtained to the first level and subtracting that quotient from the second level".
The 2020 interim final rule (85 FR 63872) and the 2021 final rule "Strengthening Wage
Protections..." (86 FR 3608, Jan 14 2021; roughly the 35th-90th percentiles) did not
survive: the IFR was set aside in Purdue Univ. v. Scalia and Chamber of Commerce v. DHS
(2020); the final rule was vacated by the N.D. Cal. on 2021-06-23 and withdrawn by 86 FR
70729 (2021-12-13) (https://www.aila.org/library/dol-final-rule-on-computation-of-prevailing-wage).
So the 2009 guidance's levels are the ones encoded here; any later rulemaking is not.

What we compute, and why it differs from DOL's own numbers. DOL computes the two means
from OEWS microdata for the area of intended employment (an MSA or a non-metro area), as
published in the FLC Data Center's Online Wage Library (July-June year). BLS publishes
only the 10th, 25th, 50th, 75th and 90th percentiles, and the vendored data are state
level (May 2025). We therefore use DOL's own percentile equivalents: Level I = the 17th
and Level IV = the 67th percentile, each by linear interpolation in percentile rank between
the two published percentiles around it (17th: between the 10th and 25th; 67th: between the
50th and 75th), then II and III by the statutory thirds. Thresholds are rounded to whole
dollars a year (cents an hour), and a wage meets a level when it is at least its rounded
threshold. The result is an estimate of the level, not a prevailing wage determination.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import polars as pl

from statevisa.errors import InputError, problem
from statevisa.reference.catalog import table
from statevisa.reference.codes import state_fips, state_name

Unit = Literal["year", "hour"]
HOURS_PER_YEAR = 2080  # BLS OEWS converts hourly to annual wages at 2,080 hours a year
LEVEL_I_PERCENTILE = 17.0
LEVEL_IV_PERCENTILE = 67.0
_SOC = re.compile(r"\d{2}-\d{4}")
_PCTS = (10.0, 25.0, 50.0, 75.0, 90.0)


@dataclass(frozen=True)
class WageLevels:
    """The four thresholds for one state and occupation, in the unit asked for."""

    state_fips: str
    state: str
    soc: str
    title: str
    unit: Unit
    percentiles: tuple[float | None, ...]
    thresholds: tuple[float, float, float, float]
    source: str = "BLS OEWS May 2025, state, all industries"

    def level(self, wage: float) -> int:
        """0 (below Level I) to 4: the highest level whose threshold `wage` reaches."""
        return sum(1 for t in self.thresholds if wage >= t)


def interpolate(p: float, points: tuple[float, float], values: tuple[float, float]) -> float:
    """Linear interpolation in percentile rank between two published percentiles."""
    (p0, p1), (v0, v1) = points, values
    return v0 + (p - p0) / (p1 - p0) * (v1 - v0)


def thresholds_from_percentiles(
    pct10: float, pct25: float, median: float, pct75: float
) -> tuple[float, float, float, float]:
    """Levels I-IV (unrounded) from the OEWS 10th, 25th, 50th and 75th percentiles."""
    one = interpolate(LEVEL_I_PERCENTILE, (10.0, 25.0), (pct10, pct25))
    four = interpolate(LEVEL_IV_PERCENTILE, (50.0, 75.0), (median, pct75))
    third = (four - one) / 3.0
    return one, one + third, four - third, four


def validate_soc(soc: str) -> str:
    """Return `soc` if it has the SOC 2018 shape NN-NNNN (e.g. 15-1252), else raise."""
    text = soc.strip()
    if not _SOC.fullmatch(text):
        raise InputError(problem("not-soc", f"invalid SOC code '{soc}': use the form NN-NNNN, e.g. 15-1252"))
    return text


def oews_state() -> pl.DataFrame:
    """OEWS May 2025 state rows: state_fips, soc, title, employment, means, percentiles."""
    return table("oews_state_2025")


def levels(state: str, soc: str, unit: Unit = "year") -> WageLevels:
    """The wage-level thresholds for `soc` in `state` (2-digit FIPS or USPS code).

    Annual percentiles are used when published; for hourly-only occupations the hourly
    ones times 2,080 (and the reverse for an hourly `unit`). Refuses an occupation OEWS
    does not publish for the state, or whose needed percentiles are suppressed or
    top-coded (BLS footnote 5: at or above $239,200 a year), naming which.
    """
    fips, code = state_fips(state), validate_soc(soc)
    rows = oews_state().filter((pl.col("state_fips") == fips) & (pl.col("soc") == code))
    name = state_name(fips)
    if rows.height == 0:
        raise InputError(
            problem(
                "no-estimate",
                f"SOC {code} has no OEWS May 2025 estimate for {name} ({fips}): not a published "
                "occupation code there (see BLS's SOC 2018 list)",
            )
        )
    row = rows.row(0, named=True)
    factor = {"year": (1.0, float(HOURS_PER_YEAR)), "hour": (1.0 / HOURS_PER_YEAR, 1.0)}[unit]
    names = ("pct10", "pct25", "median", "pct75", "pct90")
    values: list[float | None] = []
    for short in names:
        annual, hourly = row[f"a_{short}"], row[f"h_{short}"]
        if annual is not None:
            values.append(float(annual) * factor[0])
        elif hourly is not None:
            values.append(float(hourly) * factor[1])
        else:
            values.append(None)
    needed = values[:4]
    if any(v is None for v in needed):
        missing = [f"{int(p)}th" for p, v in zip(_PCTS, needed, strict=False) if v is None]
        note = str(row["footnotes"] or "")
        top_coded = "=5" in note
        why = "top-coded (at or above $239,200 a year)" if top_coded else "not released"
        raise InputError(
            problem(
                "top-coded" if top_coded else "suppressed",
                f"SOC {code} in {name}: OEWS percentile(s) {', '.join(missing)} {why}, "
                "so the wage levels cannot be estimated",
            )
        )
    p10, p25, p50, p75 = (float(v) for v in needed if v is not None)
    digits = 0 if unit == "year" else 2
    raw = thresholds_from_percentiles(p10, p25, p50, p75)
    one, two, three, four = (round(t, digits) for t in raw)
    return WageLevels(fips, name, code, str(row["title"]), unit, tuple(values), (one, two, three, four))


ROMAN = ("below Level I", "Level I", "Level II", "Level III", "Level IV")


def level_name(level: int) -> str:
    """`Level I`..`Level IV`, or `below Level I` for 0."""
    return ROMAN[level]
