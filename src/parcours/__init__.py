"""parcours: customer-journey maps that are measured, not guessed."""

__version__ = "0.1.0"
