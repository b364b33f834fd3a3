"""Delivery: the outbox drained through every channel within the platforms' limits.

`engine` runs one `worker` per channel; `pacing` keeps each platform's rate.
"""

from relay.delivery.engine import DeliveryEngine
from relay.delivery.worker import ChannelLimits, RetryPolicy, WorkerOptions, limits_for

__all__ = ["ChannelLimits", "DeliveryEngine", "RetryPolicy", "WorkerOptions", "limits_for"]
