"""Chat commands: declared once, routed from every channel, never platform-specific."""

from relay.commands.base import Command, Context, Feature, Role, Services
from relay.commands.broadcast import FEATURE as BROADCAST
from relay.commands.dashboard import FEATURE as DASHBOARD
from relay.commands.directory import FEATURE as DIRECTORY
from relay.commands.directory import find as find_in_directory
from relay.commands.help import help_feature
from relay.commands.meetings import FEATURE as MEETINGS
from relay.commands.profiles import FEATURE as PROFILES
from relay.commands.reports import FEATURE as REPORTS
from relay.commands.revisions import FEATURE as REVISIONS
from relay.commands.router import Router
from relay.commands.subscriptions import FEATURE as SUBSCRIPTIONS
from relay.commands.surveys import FEATURE as SURVEYS


def build_router(services: Services) -> Router:
    """The router with every feature; /aide lists whatever the router ends up holding."""
    router_holder: list[Router] = []

    def commands_for(coordinator: bool) -> list[Command]:
        return router_holder[0].commands_for(coordinator)

    features = [help_feature(commands_for), SUBSCRIPTIONS, BROADCAST, MEETINGS, REPORTS]
    features += [REVISIONS, DIRECTORY, PROFILES, SURVEYS, DASHBOARD]
    router = Router(services, features, free_text=find_in_directory)
    router_holder.append(router)
    return router


__all__ = ["Command", "Context", "Feature", "Role", "Router", "Services", "build_router"]
