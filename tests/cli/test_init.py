"""The lazy top-level group: every area is one `COMMANDS` entry naming a click command."""

from __future__ import annotations

import click
import pytest

from statevisa.cli import COMMANDS, Group, load_command
from tests.conftest import CliRunner


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_entry_names_a_click_command_that_takes_the_entry_name(name: str) -> None:
    command = load_command(name)
    assert isinstance(command, click.Command)
    assert command.name == name


def test_an_entry_that_is_not_a_click_command_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(COMMANDS, "broken", ("statevisa.cli.common:warn", "Not a command."))
    with pytest.raises(TypeError, match=r"COMMANDS\['broken'\]: statevisa.cli.common:warn is not a click"):
        load_command("broken")


def test_a_group_lists_its_commands_in_the_order_written_with_their_whole_first_sentence() -> None:
    group = Group("area", help="An area.")
    for name, doc in (("zeta", "Runs last in the alphabet but first here."), ("alpha", "Second.")):
        group.add_command(click.Command(name, help=doc, callback=lambda: None))
    text = group.get_help(click.Context(group, info_name="area"))
    assert text.endswith("Commands:\n  zeta   Runs last in the alphabet but first here.\n  alpha  Second.")


def test_a_group_run_without_a_command_prints_its_help_and_exits_2(cli: CliRunner) -> None:
    done = cli("select")
    assert done.code == 2
    assert done.stderr.startswith("Usage: statevisa select [OPTIONS] COMMAND [ARGS]...\n")
    assert "  round    Invite the top applicants by score;" in done.stderr
