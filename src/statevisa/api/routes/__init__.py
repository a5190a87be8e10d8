"""One router per resource, joined in `statevisa.api.app`."""
