"""Stage 4, the planner's next questions, as library functions without file I/O.

- `variants`: scenarios changed field by field, run on common random numbers;
- `compare`: several scenarios side by side, paired KPI differences, the assumptions diff;
- `sensitivity`: each uncertain input swung low and high (the tornado);
- `plan`: what must start building by when to meet each target (the backcast);
- `sweep`: one ensemble per point of a grid of field values;
- `hindcast`: an ensemble scored against reported figures (PIT, 80 % band, CRPS).

Imports `simulator.ensemble` and below.
"""
