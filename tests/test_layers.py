"""The import contracts of pyproject.toml (run by `lint-imports`) cover every module of relay:
a module added to the core without being named in the core's contract would escape its rules."""

import tomllib
from pathlib import Path

import relay

ROOT = Path(__file__).resolve().parent.parent
# Outside the core: the adapters, the composition root, the command line, the scheduler, the store.
OUTER = {"channels", "web", "app", "standalone", "cli", "jobs", "store", "__main__"}


def _contracts() -> dict[str, dict[str, list[str]]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return {contract["name"]: contract for contract in contracts}


def test_every_module_of_relay_is_in_the_core_contract_or_outside_the_core() -> None:
    package = Path(relay.__file__).parent
    modules = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {p.parent.name for p in package.glob("*/__init__.py")}
    core = _contracts()[
        "The core never imports the adapters, the composition root or the command line"
    ]
    sources = {name.removeprefix("relay.") for name in core["source_modules"]}
    forbidden = {name.removeprefix("relay.") for name in core["forbidden_modules"]}
    assert forbidden <= OUTER
    assert sorted(modules - sources - OUTER) == [], "name them in the core's import contract"
    assert sorted(sources - modules) == [], "the core's import contract names a module gone"
