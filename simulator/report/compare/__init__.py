"""comparison.pdf: scenarios side by side, their targets, overlaid charts and what differs."""
