"""The handler table: for each consumer group, the function that handles each event type.

A handler takes `(session, event)`, changes the database through `session` and never
commits: the runtime commits its effect together with the `(group, event_id)` record.
"""

from __future__ import annotations

from workers.handlers import partnerships, reminders, statistics
from workers.runtime import HandlerTable

HANDLERS: HandlerTable = {
    "reminders": reminders.HANDLERS,
    "partnerships": partnerships.HANDLERS,
    "statistics": statistics.HANDLERS,
}
