"""The dashboard: server-rendered pages beside the API, on the same services and the same policy.

Pages are Jinja2 templates; controls re-render parts of a page with htmx; charts and maps are
Vega-Lite specs built with Altair and drawn in the browser by vega-embed. Every script is
vendored in ``static/vendor`` (``scripts/vendor_js.py``), so nothing loads from a CDN. A page
calls services, never SQL or rule logic, and acts as its visitor: a signed-in token's
principal, or the public (aggregates and public records only).
"""
