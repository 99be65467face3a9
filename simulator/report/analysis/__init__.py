"""The PDFs of `capsim sensitivity` (tornado), `plan` (backcast timelines) and `sweep` (grid)."""
