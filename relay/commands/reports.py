"""/rapport: the monthly relay report in chat, for coordinators, with its chart."""

from collections.abc import Sequence

from relay.commands.base import Command, Context, Feature, Role
from relay.messages import Outgoing, Reply
from relay.reports import monthly as reports
from relay.reports.model import Month, ReportError

USAGE = "Usage : /rapport [AAAA-MM], par exemple /rapport 2026-11 (le mois dernier par défaut)."


async def report(ctx: Context) -> Sequence[Outgoing]:
    services = ctx.services
    now = services.meetings.clock()
    try:
        month = (
            Month.parse(ctx.args)
            if ctx.args
            else reports.previous_month(now, services.settings.zone)
        )
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
            "le rapport mensuel du relais, avec son graphique",
            report,
            aliases=("report",),
            role=Role.COORDINATOR,
            usage="[AAAA-MM]",
        )
    ]
)
