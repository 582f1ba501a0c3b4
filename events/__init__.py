"""Mitra's event backbone: contracts, CloudEvents envelope, outbox, relay and kombu topology.

Nothing here imports the Flask application: `events` <- `mitra` <- `workers`.
"""
