"""Feed polling and Met Office warning parsing: pure functions, no database and no Flask.

fetch.fetch_feed gets a feed's bytes over HTTP, feeds.parse_feed reads them into entries, and
met_office.parse_warnings turns Met Office entries into warnings.
"""
