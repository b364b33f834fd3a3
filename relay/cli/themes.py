"""Reading a `--themes` option: slugs, labels or aliases, separated by commas."""

import typer

from relay.themes import ThemeCatalogue


def theme_option(text: str | None, catalogue: ThemeCatalogue) -> tuple[str, ...]:
    """The theme slugs named by an optional `--themes` (none when absent)."""
    from relay.feeds.config import FeedConfigError, check_themes

    try:
        return check_themes(text or "", catalogue)
    except FeedConfigError as error:
        raise typer.BadParameter(str(error), param_hint="--themes") from None
