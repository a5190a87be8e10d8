"""The REST API under ``/api/v1``: routes validate at the edge, call one service, map the result."""
