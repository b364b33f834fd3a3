"""The directory of local actors and services: "où trouver…" questions, import and export."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from relay.directory.results import Answer, Result
    from relay.directory.service import DirectoryService, ImportReport

__all__ = ["Answer", "DirectoryService", "ImportReport", "Result"]

_HOMES = {
    "Answer": "relay.directory.results",
    "Result": "relay.directory.results",
    "DirectoryService": "relay.directory.service",
    "ImportReport": "relay.directory.service",
}


def __getattr__(name: str) -> Any:
    # Loaded when first named: a module of the package (a file's columns, an entry) does not
    # bring the whole service, its store and its search with it.
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_HOMES[name]), name)
