"""The operator web console: a small server-rendered web app (Starlette, Jinja2, htmx, ECharts,
every asset shipped here) served on the bot's own event loop. Nothing here is imported on the
message path; `state` (what the adapter reported) is the only module the runtime always loads."""
