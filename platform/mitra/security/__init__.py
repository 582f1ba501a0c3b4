"""Passwords, tokens and who may see what."""
