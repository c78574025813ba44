"""What the service does: the one floor that changes state and commits.

Pages, the API, feeds and jobs call a service function; it checks its rule, calls `alerts.data`, and commits once,
so a change and its audit event are kept together or not at all. Views and data functions never commit. The
dispatcher's short outbox transactions (`alerts.delivery`) are the one exception: each claim and each outcome is
committed on its own so that parallel workers never send a message twice.
"""
