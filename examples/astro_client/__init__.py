from .client import AstroClient  # noqa: F401
