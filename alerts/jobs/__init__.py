"""The scheduler process and its jobs. Each job is idempotent and also a CLI command."""
