"""Plumbing every app shares: the owner-filtered look-up, pagination and the request validators.

Not a Django app (no models, templates or tags): plain modules that the apps above import.
"""
