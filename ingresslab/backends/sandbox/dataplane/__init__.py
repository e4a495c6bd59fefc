"""The sandbox's data plane: requests walked hop by hop, each component writing its real log line."""

__all__: list[str] = []
