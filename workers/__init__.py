"""Background workers: the consumer runtime, the handlers of each consumer group, and the
scheduler. Imports flow `events` <- `mitra` <- `workers`; nothing imports this package."""
