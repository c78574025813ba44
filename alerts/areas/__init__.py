"""Postcode normalisation and validation: the ground floor, knows nothing of the database."""
