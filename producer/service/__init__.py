"""The HTTP service, `narrate serve`: the same ledger and tasks as the CLI, over HTTP.

app          the FastAPI application: routes under /v1, errors as JSON, /healthz
auth         API keys to tenants, requests per minute, signed download links
limits       request bodies bounded before they are read
submissions  a manuscript uploaded (or named in the inbox) to a queued job
views        what a caller sees of a job: its state, chapters and progress events
metrics      what Prometheus scrapes at /metrics
pages        the dashboard at /
"""
