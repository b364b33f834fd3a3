"""Running a labelled question set (tests/data/*.yaml) against a loaded directory."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from relay.directory import DirectoryService

DATA = Path(__file__).resolve().parent / "data"
SAMPLE_QUESTIONS = DATA / "directory_eval.yaml"
OTHER = DATA / "other_territory"


@dataclass
class Evaluation:
    found: int = 0  # expect_any questions with an expected id in the top 3
    asked: int = 0
    honest: int = 0  # expect_none questions answered "nothing found"
    unanswerable: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def recall_at_3(self) -> float:
        return self.found / self.asked if self.asked else 0.0

    @property
    def no_answer_accuracy(self) -> float:
        return self.honest / self.unanswerable if self.unanswerable else 0.0


def questions(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


async def evaluate(directory: DirectoryService, path: Path) -> Evaluation:
    result = Evaluation()
    for item in questions(path):
        _, found = await directory.search(item["q"])
        top = [r.entry.ref for r in found[:3]]
        if item.get("expect_none"):
            result.unanswerable += 1
            if not found:
                result.honest += 1
            else:
                result.misses.append(f"{item['q']!r}: expected nothing, got {top}")
        else:
            result.asked += 1
            if set(top) & set(item["expect_any"]):
                result.found += 1
            else:
                result.misses.append(f"{item['q']!r}: got {top}")
    return result
