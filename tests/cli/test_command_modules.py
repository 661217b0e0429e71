"""A command runs with only its own module imported: the map from command to module is complete
and true, and `voice tag` (run for real, in a fresh process) loads no other command module, no
report or privacy code and no model library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from voice.cli import COMMAND_MODULES, MODULES, app
from voice.records import Quote
from voice.store import Store


def _modules_of(typer_app) -> set[str]:
    found = {c.callback.__module__ for c in typer_app.registered_commands}
    if typer_app.registered_callback is not None:
        found.add(typer_app.registered_callback.callback.__module__)
    return found


def test_the_map_names_the_module_that_registers_each_command() -> None:
    named = {}
    for command in app.registered_commands:
        named[command.name] = {command.callback.__module__}
    for group in app.registered_groups:
        named[group.name] = _modules_of(group.typer_instance)
    assert set(named) == {*COMMAND_MODULES, "benchmark"}  # a new command must be added to the map
    for name, modules in named.items():
        if name == "benchmark":  # commands in several modules: `voice benchmark` imports them all
            assert len(modules) > 1 and name not in COMMAND_MODULES
        else:
            assert modules == {f"voice.cli.{COMMAND_MODULES[name]}"}, name
    assert set(COMMAND_MODULES.values()) <= set(MODULES)


def _voice(home: Path, *args: str) -> dict:
    """Run ``voice ARGS`` as the console script does, in a fresh process; the modules it loaded."""
    code = (
        "import json, sys\n"
        f"sys.argv = ['voice', *{list(args)!r}]\n"
        "import voice.cli\n"
        "try:\n    voice.cli.main()\nexcept SystemExit as exc:\n    code = exc.code\nelse:\n    code = 0\n"
        "print(json.dumps({'code': code, 'modules': sorted(sys.modules)}))\n"
    )
    env = {**os.environ, "VOICE_HOME": str(home), "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    env.pop("VOICE_DB_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_voice_tag_loads_only_what_tagging_needs(voice_home: Path) -> None:
    store = Store(f"sqlite:///{voice_home / 'voice.db'}")
    quote = Quote(text="Nobody told me about the plan.", source="Test", period="2017/18 Q1")
    store.add_quotes([quote])
    ran = _voice(voice_home, "tag", quote.id, "good", "--by", "alice", "--no-learn")
    assert ran["code"] == 0
    loaded = set(ran["modules"])
    assert "voice.cli.quotes" in loaded
    assert not {f"voice.cli.{m}" for m in MODULES if m != "quotes"} & loaded
    assert not {m for m in loaded if m.split(".")[0] in ("torch", "sklearn", "spacy", "pandas")}
    assert not {"voice.report", "voice.privacy", "voice.classify", "voice.indicators"} & loaded
    assert store.current_tags()[quote.id].who == "alice"


def test_help_and_an_unknown_command_load_every_command(voice_home: Path) -> None:
    for args in (["--help"], ["no-such-command"]):
        ran = _voice(voice_home, *args)
        assert ran["code"] == (0 if args == ["--help"] else 2)
        assert {f"voice.cli.{m}" for m in MODULES} <= set(ran["modules"])
