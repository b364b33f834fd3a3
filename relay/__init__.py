"""relay: the chat bot and notification relay of a Contrat Local de Santé."""

__version__ = "0.1.0"
