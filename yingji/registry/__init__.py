"""Organisations (enterprises, schools) and emergency resources of the county."""
