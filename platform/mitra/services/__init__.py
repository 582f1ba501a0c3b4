"""Use cases: each function checks who may act, changes, audits and emits inside the caller's
unit of work (`unit_of_work.UnitOfWork`), and never commits."""
