"""capsim tests; the folders mirror the package (scenario, engine, ensemble, ...)."""
