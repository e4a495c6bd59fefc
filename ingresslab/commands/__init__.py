"""What runs when a learner types a command: the small shell, text utilities and kubectl emulation."""

__all__: list[str] = []
