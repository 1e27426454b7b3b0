"""The performance benchmark behind `make bench` (see docs/benchmarks.md).

Nothing here is used by the app itself: `bench.settings` wraps the production settings and
`bench.urls` adds one baseline page to the app's URLs.
"""
