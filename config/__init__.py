"""Configuration classes and the data the service ships with (areas, services)."""


class ConfigurationError(RuntimeError):
    """The service cannot start safely with this configuration. Defined here, not in settings.py, so wsgi.py can
    catch one raised while settings.py is still being read (a malformed number in the environment)."""
