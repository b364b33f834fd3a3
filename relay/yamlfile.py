"""Reading relay's YAML configuration files: safe (no Python objects), and with libyaml's C
parser when PyYAML has it (ten times faster on synonyms.yaml, read at every start)."""

from pathlib import Path
from typing import Any

import yaml

_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """The data of a YAML document; raises yaml.YAMLError as yaml.safe_load does."""
    return yaml.load(text, Loader=_LOADER)


class UnreadableYaml(Exception):
    """A configuration file could not be read or parsed; `problem` says why in one line."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def read_yaml_file(path: Path) -> Any:
    """The data of a YAML file; UnreadableYaml when it cannot be read or parsed."""
    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UnreadableYaml(getattr(exc, "strerror", None) or str(exc).splitlines()[0]) from None
