"""The directory's vocabulary built by a short-lived process, for a long-running relay.

Building it reads every entry and allocates far more than the vocabulary keeps: tens of
megabytes on 20,000 entries that the process, once it has built it, never gives back to the
system whole. A long-running relay (`relay run`) with a large directory therefore has it built
by `python -m relay.directory.building`, which saves it in the store (relay.directory.saved)
and exits; relay then reads the saved one, as after a restart. Should that process fail, relay
builds it itself.
"""

import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from relay import children
from relay.directory import saved
from relay.directory.geography import load_communes
from relay.directory.search import Index
from relay.directory.synonyms import Synonyms
from relay.store import directory as store
from relay.store.db import Database

log = logging.getLogger(__name__)

BUILD_APART_FROM = 5_000  # entries: below this, building costs little memory
BUILD_SECONDS = 600.0


async def build_apart(
    database_url: str, synonyms_file: Path, territory: Sequence[str], communes_file: Path
) -> bool:
    """Have another process build and save the vocabulary of the directory as it is in the
    store, from the same synonyms, communes and territory; False when it could not (relay then
    builds it itself)."""
    order = {
        "database_url": database_url,
        "synonyms_file": str(synonyms_file),
        "territory": list(territory),
        "communes_file": str(communes_file),
    }
    try:
        process = await children.start(__name__, asyncio.subprocess.DEVNULL)
    except OSError as error:
        log.warning("the directory's vocabulary was not built apart: %s", error)
        return False
    try:
        _, errors = await asyncio.wait_for(
            process.communicate(json.dumps(order).encode()), BUILD_SECONDS
        )
    except BaseException as error:
        if process.returncode is None:
            process.kill()
            await process.wait()
        if isinstance(error, TimeoutError):
            log.warning("the directory's vocabulary was not built apart in %d s", BUILD_SECONDS)
            return False
        raise
    if process.returncode != 0:
        reason = errors.decode(errors="replace").strip().splitlines()[-1:] or ["?"]
        log.warning("the directory's vocabulary was not built apart: %s", reason[0])
        return False
    return True


async def _build(order: dict[str, Any]) -> None:
    """Build the vocabulary as DirectoryService.index does, and save it."""
    synonyms_file = Path(order["synonyms_file"])
    territory = tuple(order["territory"])
    synonyms = Synonyms.load(synonyms_file)  # unreadable: relay builds it itself, and says why
    reference = load_communes(Path(order["communes_file"]))
    recipe = saved.recipe(synonyms_file, reference, territory)
    db = Database(order["database_url"])
    try:
        async with db.read() as session:
            index = await Index.load(session, lambda: synonyms, reference, territory, recipe)
        if index.fresh:
            data = await asyncio.to_thread(saved.dumps, index.vocabulary)
            async with db.write() as session:
                key = store.signature_text(index.signature)
                await store.save_vocabulary(session, key, recipe, data)
    finally:
        await db.close()


def main() -> None:
    """`python -m relay.directory.building`: what to build (JSON, as `build_apart` writes it)
    on standard input."""
    asyncio.run(_build(json.load(sys.stdin)))


if __name__ == "__main__":
    main()
