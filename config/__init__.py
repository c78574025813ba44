"""Configuration classes and the data the service ships with (areas, services)."""
