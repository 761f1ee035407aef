"""The README cannot fall behind the CLI: every command and every option is mentioned in it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from compare.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        yield path, command
        if isinstance(command, click.Group):
            yield from commands(command, path)


COMMANDS = list(commands())


@pytest.mark.parametrize("path", [" ".join(path) for path, _ in COMMANDS])
def test_command_is_in_readme(path):
    assert f"`{path}" in README or f"{path} " in README, f"README.md does not mention the command {path!r}"


OPTIONS = sorted(
    {
        (" ".join(path), flag)
        for path, command in COMMANDS
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden
        for flag in param.opts
        if flag.startswith("--") and flag != "--help"
    }
)


@pytest.mark.parametrize(("command", "flag"), OPTIONS)
def test_option_is_in_readme(command, flag):
    assert flag in README, f"README.md does not mention {command} {flag}"


def test_commands_were_found():
    assert {" ".join(p) for p, _ in COMMANDS} >= {"dedup", "ingest", "index", "index stats", "index remove", "index export", "pair", "report"}
