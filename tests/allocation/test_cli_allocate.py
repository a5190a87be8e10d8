"""`statevisa allocate`: the two input forms, the floor, the table view and every input error."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import CliRunner

DATA = Path(__file__).parent / "data"


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, schema_overrides={"fips": pl.String})


@pytest.fixture
def house_2020(tmp_path: Path) -> Path:
    """P.csv for the 2020 apportionment: fips,population (other columns ignored)."""
    table = read(DATA / "apportionment_2020.csv")
    path = tmp_path / "p.csv"
    table.select("fips", pl.col("apportionment_population").alias("population")).write_csv(path)
    return path


def test_population_file_reproduces_the_2020_house(cli: CliRunner, house_2020: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    args = ["--total", "435", "--population", str(house_2020), "--method", "huntington-hill"]
    result = cli("allocate", *args, "--minimum", "1", "--out", str(out))
    assert result.code == 0, result.stderr
    got = read(out)
    assert got.columns[:2] == ["fips", "allocation"]
    assert {"population", "quota"} <= set(got.columns)
    expected = read(DATA / "apportionment_2020.csv")
    assert got["fips"].to_list() == expected["fips"].to_list()
    assert got["allocation"].to_list() == expected["representatives"].to_list()
    assert got["allocation"].sum() == 435


def test_rows_come_out_in_fips_order_and_ties_go_to_the_lower_fips(cli: CliRunner, tmp_path: Path) -> None:
    src = write(tmp_path / "p.csv", "fips,population\n48,100\n06,100\n")
    out = tmp_path / "a.csv"
    result = cli("allocate", "--total", "1", "--population", str(src), "--method", "hamilton",
                 "--out", str(out))  # fmt: skip
    assert result.code == 0, result.stderr
    assert read(out).select("fips", "allocation").rows() == [("06", 1), ("48", 0)]


def test_floor_gives_each_unit_a_fixed_number_first(cli: CliRunner, tmp_path: Path) -> None:
    # docs/programs/w-visa.md rule 7: 6M/3M/1M share 245,000 after 5,000 each.
    src = write(tmp_path / "p.csv", "fips,population\n01,6000000\n02,3000000\n04,1000000\n")
    out = tmp_path / "a.csv"
    result = cli("allocate", "--total", "260000", "--population", str(src), "--method",
                 "hamilton", "--floor", "5000", "--out", str(out))  # fmt: skip
    assert result.code == 0, result.stderr
    got = read(out)
    assert got["allocation"].to_list() == [152_000, 78_500, 29_500]
    assert got["share"].to_list() == [147_000, 73_500, 24_500]
    assert got["floor"].to_list() == [5_000] * 3


def test_w_visa_figures_from_vendored_2024_state_populations(cli: CliRunner, tmp_path: Path) -> None:
    # docs/programs/w-visa.md rule 7 and open item 3: 51 jurisdictions, POPESTIMATE2024, Hamilton.
    out = tmp_path / "a.csv"
    result = cli("allocate", "--total", "500000", "--among", "states", "--year", "2024",
                 "--method", "hamilton", "--floor", "5000", "--out", str(out))  # fmt: skip
    assert result.code == 0, result.stderr
    got = read(out)
    assert got.height == 51
    assert got["allocation"].sum() == 500_000
    assert got["share"].sum() == 245_000
    by = dict(zip(got["fips"], got["share"], strict=True))
    assert (by["06"], by["48"], by["12"], by["56"], by["50"], by["11"]) == (
        28_404, 22_540, 16_836, 423, 467, 506,
    )  # fmt: skip
    total = dict(zip(got["fips"], got["allocation"], strict=True))
    assert (total["06"], total["56"], total["11"]) == (33_404, 5_423, 5_506)
    quota = dict(zip(got["fips"], got["quota"], strict=True))
    assert quota["06"] == pytest.approx(28_404.432, abs=5e-4)


def test_w_visa_population_year_matters(cli: CliRunner, tmp_path: Path) -> None:
    # docs/programs/w-visa.md open item 3: with POPESTIMATE2020, California 29,202 (Wyoming 427).
    out = tmp_path / "a.csv"
    result = cli("allocate", "--total", "500000", "--among", "states", "--year", "2020",
                 "--method", "hamilton", "--floor", "5000", "--out", str(out))  # fmt: skip
    assert result.code == 0, result.stderr
    by = dict(zip(read(out)["fips"], read(out)["share"], strict=True))
    assert (by["06"], by["56"]) == (29_202, 427)


def test_huntington_hill_over_vendored_counties(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "a.parquet"
    result = cli("allocate", "--total", "50000", "--among", "counties", "--year", "2023",
                 "--method", "huntington-hill", "--out", str(out))  # fmt: skip
    assert result.code == 0, result.stderr
    got = pl.read_parquet(out)
    assert got.height == 3144
    assert got["allocation"].sum() == 50_000
    assert (got["allocation"] >= 1).all()  # d(0) = 0: every county gets a first seat
    assert got["fips"].str.len_chars().unique().to_list() == [5]


def test_parquet_population_file_works_too(cli: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "p.parquet"
    pl.DataFrame({"fips": ["01", "02", "04"], "population": [5, 5, 3]}).write_parquet(src)
    out = tmp_path / "a.csv"
    result = cli("allocate", "--total", "10", "--population", str(src), "--method", "hamilton",
                 "--out", str(out))  # fmt: skip
    assert result.code == 0, result.stderr
    assert read(out)["allocation"].to_list() == [4, 4, 2]


def test_without_out_prints_a_table(cli: CliRunner, tmp_path: Path) -> None:
    src = write(tmp_path / "p.csv", "fips,population\n01,5\n02,5\n04,3\n")
    result = cli("allocate", "--total", "10", "--population", str(src), "--method", "webster")
    assert result.code == 0, result.stderr
    assert "webster, total 10" in result.stdout
    assert "allocation" in result.stdout


def test_every_method_is_accepted(cli: CliRunner, tmp_path: Path) -> None:
    src = write(tmp_path / "p.csv", "fips,population\n01,5\n02,5\n04,3\n")
    for method in ("hamilton", "huntington-hill", "webster", "jefferson", "adams", "equal"):
        out = tmp_path / f"{method}.csv"
        result = cli("allocate", "--total", "10", "--population", str(src), "--method", method,
                     "--out", str(out))  # fmt: skip
        assert result.code == 0, (method, result.stderr)
        assert read(out)["allocation"].sum() == 10


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("fips,population\n06,100\n06,200\n", ["row 3 (id 06)", "column fips", "duplicate", "row 2"]),
        ("fips,population\n06,abc\n", ["row 2 (id 06)", "column population", "not a number: 'abc'"]),
        ("fips,population\n06,\n", ["row 2 (id 06)", "column population", "not a number"]),
        ("fips,population\n06,-5\n48,1\n", ["row 2 (id 06)", "column population", "negative"]),
        ("fips,population\n6,100\n", ["row 2 (id 6)", "column fips", "not a FIPS code"]),
        ("fips,population\n06,1\n06037,1\n", ["row 3 (id 06037)", "cannot be mixed"]),
        ("fips,population\nCA,1\n", ["row 2 (id CA)", "not a FIPS code"]),
        ("fips,pop\n06,1\n", ["missing required column", "population"]),
        ("fips,population\n", ["no rows"]),
        ("", ["empty"]),
        (
            "fips,population\n06,0\n48,0\n",
            ["column population", "cannot allocate", "every population is zero"],
        ),
        ("fips,population\n06,1e16\n", ["row 2 (id 06)", "outside 1e-300 to 1e15"]),
        ("fips,population\n06,nan\n48,inf\n", ["not a number: 'nan'", "not a number: 'inf'"]),
        ("fips,population\n\u0660\u0666,1\n", ["not a FIPS code"]),  # Arabic-Indic 06
    ],
)
def test_bad_population_file_exits_2_naming_file_row_and_column(
    cli: CliRunner, tmp_path: Path, text: str, words: list[str]
) -> None:
    src = write(tmp_path / "p.csv", text)
    out = tmp_path / "a.csv"
    result = cli("allocate", "--total", "10", "--population", str(src), "--method", "hamilton",
                 "--out", str(out))  # fmt: skip
    assert result.code == 2
    assert str(src) in result.stderr
    for word in words:
        assert word in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [src]  # no partial or temporary file


def test_all_errors_in_a_file_are_reported_at_once(cli: CliRunner, tmp_path: Path) -> None:
    src = write(tmp_path / "p.csv", "fips,population\n06,x\n48,-1\n1,3\n")
    result = cli("allocate", "--total", "10", "--population", str(src), "--method", "hamilton")
    assert result.code == 2
    assert [line.split(",")[0] for line in result.stderr.strip().splitlines()] == [
        f"{src}: row 2 (id 06)",
        f"{src}: row 3 (id 48)",
        f"{src}: row 4 (id 1)",
    ]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--method", "borda"], ["unknown method 'borda'", "huntington-hill"]),
        (["--among", "states", "--year", "2024"], ["not both"]),
        (["--minimum", "5"], ["--total: cannot allocate: 10 is less than the minimum 5 x 3 units = 15"]),
        (["--floor", "5"], ["--total: cannot allocate: 10 is less than the floor 5 x 3 units = 15"]),
        (["--year", "2024"], ["--year: --year goes with --among"]),
        (["--total", str(10**19)], ["--total: must be between 0 and 1,000,000,000,000,000"]),
        (["--total", "-1"], ["--total: must be between 0"]),
        (["--minimum", "-1"], ["--minimum: must be between 0"]),
        (["--floor", str(2**70)], ["--floor: must be between 0"]),
    ],
)
def test_bad_options_exit_2(cli: CliRunner, tmp_path: Path, args: list[str], words: list[str]) -> None:
    src = write(tmp_path / "p.csv", "fips,population\n01,5\n02,5\n04,3\n")
    base = {"--total": "10", "--population": str(src), "--method": "hamilton"}
    for key, value in zip(args[::2], args[1::2], strict=True):
        base[key] = value
    flat = [item for pair in base.items() for item in pair]
    result = cli("allocate", *flat)
    assert result.code == 2
    for word in words:
        assert word in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--total", "10", "--method", "hamilton"], ["missing input"]),
        (["--total", "10", "--among", "states", "--method", "hamilton"], ["needs --year"]),
        (["--total", "10", "--among", "towns", "--year", "2024", "--method", "hamilton"],
         ["unknown value 'towns'"]),
        (["--total", "10", "--among", "states", "--year", "1990", "--method", "hamilton"],
         ["--year: no single vendored state vintage covers 1990"]),
        (["--among", "states", "--year", "2024"], ["missing --total", "missing --method"]),
    ],
)  # fmt: skip
def test_bad_among_options_exit_2(cli: CliRunner, args: list[str], words: list[str]) -> None:
    result = cli("allocate", *args)
    assert result.code == 2
    for word in words:
        assert word in result.stderr


def test_w_visa_caps_come_from_its_program_file(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "w.csv"
    result = cli("allocate", "--program", "w-visa", "--year", "2024", "--out", str(out))
    assert result.code == 0, result.stderr
    caps = pl.read_csv(out, schema_overrides={"fips": pl.String})
    assert caps.height == 51
    assert caps["allocation"].sum() == 500_000
    by_state = dict(zip(caps["fips"], caps["allocation"], strict=True))
    assert (by_state["06"], by_state["56"], by_state["11"]) == (33_404, 5_423, 5_506)
    assert (caps["floor"] == 5_000).all()
    assert "w-visa population_pool = 245000 (unconfirmed)" in result.stderr


def test_program_allocation_refuses_what_the_program_leaves_open(cli: CliRunner) -> None:
    result = cli("allocate", "--program", "state-sponsored-visa-2019", "--year", "2024")
    assert result.code == 2
    assert "does not define population_pool" in result.stderr
    assert cli("allocate", "--program", "w-visa", "--year", "2024", "--total", "5").code == 2


# ---------------------------------------------------------------- careless input and output


def test_output_over_the_input_is_refused_and_the_input_kept(cli: CliRunner, tmp_path: Path) -> None:
    text = "fips,population\n01,5\n02,5\n"
    src = write(tmp_path / "p.csv", text)
    link = tmp_path / "same.csv"
    link.hardlink_to(src)
    for out in (src, tmp_path / "." / "p.csv", link):
        result = cli("allocate", "--total", "10", "--population", str(src), "--method", "hamilton",
                     "--out", str(out))  # fmt: skip
        assert result.code == 2
        assert "is also the input" in result.stderr
    assert src.read_text() == text


def test_output_that_is_a_folder_is_refused_before_any_work(cli: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "a.csv"
    folder.mkdir()
    result = cli("allocate", "--total", "10", "--among", "states", "--year", "2024", "--method", "hamilton",
                 "--out", str(folder))  # fmt: skip
    assert result.code == 2
    assert "is a folder, not a file" in result.stderr


def test_a_population_folder_is_named_as_one(cli: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "p.csv"
    folder.mkdir()
    result = cli("allocate", "--total", "8", "--population", str(folder), "--method", "hamilton")
    assert result.code == 2
    assert f"{folder}: is a folder, not a file" in result.stderr


def test_program_caps_as_json(cli: CliRunner) -> None:
    result = cli(
        "allocate", "--program", "w-visa", "--year", "2024", "--on", "2018-01-01", "--format", "json"
    )
    assert result.code == 0, result.stderr
    caps = {row["fips"]: row for row in json.loads(result.stdout)}
    assert (caps["06"]["allocation"], caps["06"]["floor"], caps["06"]["share"]) == (33_404, 5_000, 28_404)
    assert "w-visa population_pool = 245000" in result.stderr


def test_a_byte_order_mark_is_fine(cli: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_bytes(b"\xef\xbb\xbffips,population\n06,5\n48,3\n")
    out = tmp_path / "a.csv"
    result = cli("allocate", "--total", "8", "--population", str(src), "--method", "hamilton",
                 "--out", str(out))  # fmt: skip
    assert result.code == 0, result.stderr
    assert read(out).select("fips", "allocation").rows() == [("06", 5), ("48", 3)]


def test_bytes_that_are_not_utf8_are_named_by_line(cli: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_bytes("fips,population,name\n06,5,Califórnia\n".encode("latin-1"))
    result = cli("allocate", "--total", "8", "--population", str(src), "--method", "hamilton")
    assert result.code == 2
    assert f"{src}:2:11: byte 0xF3 is not UTF-8 text: save the file as UTF-8" in result.stderr


def test_parquet_fips_stored_as_numbers_is_refused_not_misread(cli: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "p.parquet"
    pl.DataFrame({"fips": [6, 48], "population": [5, 3]}).write_parquet(src)
    result = cli("allocate", "--total", "8", "--population", str(src), "--method", "hamilton")
    assert result.code == 2
    assert f"{src}: column fips: holds Int64 numbers, which drop leading zeros" in result.stderr


@pytest.mark.parametrize(
    ("column", "dtype"),
    [
        (pl.Series("population", [[1, 2], [3]]), "List(Int64)"),
        (pl.Series("population", [True, False]), "Boolean"),
    ],
)
def test_parquet_population_of_the_wrong_type_is_refused(
    cli: CliRunner, tmp_path: Path, column: pl.Series, dtype: str
) -> None:
    src = tmp_path / "p.parquet"
    pl.DataFrame([pl.Series("fips", ["06", "48"]), column]).write_parquet(src)
    result = cli("allocate", "--total", "8", "--population", str(src), "--method", "hamilton")
    assert result.code == 2
    assert f"{src}: column population: holds {dtype} values, not numbers" in result.stderr


def test_integer_populations_in_parquet_are_numbers(cli: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "p.parquet"
    pl.DataFrame({"fips": ["06", "48"], "population": pl.Series([5, 3], dtype=pl.UInt64)}).write_parquet(src)
    result = cli(
        "allocate", "--total", "8", "--population", str(src), "--method", "webster", "--format", "csv"
    )
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[:3] == ["fips,allocation,population,quota", "06,5,5,5.0", "48,3,3,3.0"]


def test_a_file_full_of_mistakes_lists_the_first_hundred(cli: CliRunner, tmp_path: Path) -> None:
    rows = "".join(f"{i:05d},x\n" for i in range(1, 103))
    src = write(tmp_path / "p.csv", "fips,population\n" + rows)
    result = cli("allocate", "--total", "8", "--population", str(src), "--method", "hamilton")
    assert result.code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 101
    assert lines[-1] == f"{src}: 2 more problems not listed"


def test_json_and_csv_for_scripts(cli: CliRunner, tmp_path: Path) -> None:
    src = write(tmp_path / "p.csv", "fips,population,name\n01,5,A\n02,5,B\n04,3,C\n")
    args = ("allocate", "--total", "10", "--population", str(src), "--method", "hamilton")
    as_json = cli(*args, "--format", "json")
    assert as_json.code == 0, as_json.stderr
    rows = json.loads(as_json.stdout)
    assert [(r["fips"], r["allocation"], r["name"]) for r in rows] == [
        ("01", 4, "A"),
        ("02", 4, "B"),
        ("04", 2, "C"),
    ]
    assert rows[0]["quota"] == pytest.approx(50 / 13)
    as_csv = cli(*args, "--format", "csv")
    assert as_csv.stdout.splitlines()[0] == "fips,allocation,name,population,quota"
    both = cli(*args, "--format", "json", "--out", str(tmp_path / "a.csv"))
    assert both.code == 2
    assert "--format: --format prints the result; --out writes it: give one" in both.stderr


def test_program_sets_its_own_numbers(cli: CliRunner) -> None:
    result = cli("allocate", "--program", "w-visa", "--year", "2024", "--method", "webster", "--floor", "3")
    assert result.code == 2
    assert "--program: --program w-visa sets the numbers itself: drop --method, --floor" in result.stderr
    assert "--year: --program needs --year Y" in cli("allocate", "--program", "w-visa").stderr
