"""Use cases: each function owns its transaction, checks who may act, audits and emits."""
