"""Queries and commands over the models: the only place that builds queries. Never calls Notify."""
