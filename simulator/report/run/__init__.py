"""report.pdf of one run: the cover, capacity against targets, build-out, demand, tenants, assumptions."""
