"""docs/identity.md: the `check-mrz` example prints what the page shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.conftest import CliRunner

PAGE = Path(__file__).parents[2] / "docs" / "identity.md"


def test_the_check_mrz_example_prints_what_the_page_shows(cli: CliRunner) -> None:
    block = re.search(
        r"```sh\n\$ (statevisa identity check-mrz (?:[^\n]*\\\n)*[^\n]*)\n(.*?)```",
        PAGE.read_text(),
        re.DOTALL,
    )
    assert block is not None
    command = block.group(1).replace("\\\n", " ")
    shown = [line for line in block.group(2).splitlines() if line != "..."]
    result = cli(*shlex.split(command)[1:])
    assert result.code == 1
    assert result.stdout.splitlines()[: len(shown)] == shown
