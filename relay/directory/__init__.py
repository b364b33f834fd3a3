"""The directory of local actors and services: "où trouver…" questions, import and export."""

from relay.directory.results import Answer, Result
from relay.directory.service import DirectoryService, ImportReport

__all__ = ["Answer", "DirectoryService", "ImportReport", "Result"]
