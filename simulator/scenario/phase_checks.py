"""Cross-checks between the phases of a scenario: the `after` chains."""

from __future__ import annotations

from simulator.errors import Problem


def after_cycles(s, phase_keys: dict) -> list[Problem]:
    """Cycles of `after` (a phase waiting, through others, for itself): one Problem each."""
    graph = {}
    for f in s.facilities:
        for p in f.phases:
            if p.after:
                graph[f"{f.id}.{p.id}"] = p.after if "." in p.after else f"{f.id}.{p.after}"
    problems, reported = [], set()
    for node in graph:
        chain, seen = [node], {node}
        while chain[-1] in graph and graph[chain[-1]] in phase_keys:
            nxt = graph[chain[-1]]
            if nxt in seen:
                cycle = chain[chain.index(nxt):]
                if not reported & set(cycle):
                    reported |= set(cycle)
                    fi, pi = phase_keys[cycle[0]]
                    hint = ("a phase cannot wait for itself" if len(cycle) == 1 else
                            "so none of them can start: drop one 'after'")
                    problems.append(Problem("'after' forms a cycle: " + " -> ".join(cycle + [nxt]),
                                            loc=("facilities", fi, "phases", pi, "after"),
                                            hint=hint))
                break
            chain.append(nxt)
            seen.add(nxt)
    return problems
