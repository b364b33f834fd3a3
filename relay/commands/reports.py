"""/rapport: the monthly relay report in chat, for coordinators, with its chart."""

from collections.abc import Sequence

from relay.commands.base import Command, Context, Feature, Role
from relay.messages import Outgoing, Reply
from relay.reports import monthly as reports
from relay.reports.model import Month, ReportError, Span, Year

USAGE = (
    "Usage : /rapport [AAAA-MM], par exemple /rapport 2026-11 (le mois dernier par défaut), "
    "ou /rapport 2026 pour le bilan d'une année."
)


async def report(ctx: Context) -> Sequence[Outgoing]:
    services = ctx.services
    now = services.meetings.clock()
    try:
        month: Span
        if not ctx.args:
            month = reports.previous_month(now, services.settings.zone)
        elif ctx.args.strip().isdigit():
            month = Year.parse(ctx.args)
        else:
            month = Month.parse(ctx.args)
        reply = await reports.chat_report(
            services.db, services.settings, services.themes, month, now
        )
    except ReportError as error:
        return [Reply(f"{error}\n{USAGE}")]
    return [reply]


FEATURE = Feature(
    commands=[
        Command(
            "rapport",
            "le rapport mensuel du relais et les indicateurs du CLS, avec son graphique",
            report,
            aliases=("report",),
            role=Role.COORDINATOR,
            usage="[AAAA-MM|AAAA]",
        )
    ]
)
