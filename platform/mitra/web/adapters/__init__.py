"""Stand-ins for services that Mitra does not offer yet.

`accounts`: a person's own password and preferences; it belongs in services/accounts.py
beside `create_user`, and the pages will not change when it moves there.
"""
