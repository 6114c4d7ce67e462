"""astro-migrate: find and rewrite Astro API v1beta1 calls."""

__version__ = "0.1.0"
