"""The compiled kernels of :mod:`solver.labelling` (numba): the labelling programme and
its completion bounds. Imported, and compiled, only by :func:`solver.labelling.start_compiling`
in a thread of its own, so no solve waits for the compiler (seconds) or numba's import."""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True, inline="always")
def _run_move(last, run, edge, day, next_label, off, forbidden, min_off, min_run, max_run):  # pragma: no cover
    """The run after working a shift of label ``next_label`` (-1: a day off) on ``day``
    from the state (``last``, the kind of the label worked last or ``off``, ``run``,
    ``edge``): (allowed, run, edge). GEN-MAX-DAYS, GEN-MIN-DAYS and GEN-MIN-OFF (runs
    touching day 0 exempt), GEN-SUCCESSION (``forbidden[kind, label]``)."""
    if next_label < 0:
        if last == off:
            return True, min(run + 1, min_off), edge
        if edge == 0 and run < min_run:
            return False, 0, 0
        return True, min(1, min_off), 0
    if last == off:
        if edge == 0 and run < min_off:
            return False, 0, 0
        return True, 1, 1 if day == 0 else 0
    if run + 1 > max_run or forbidden[last, next_label]:
        return False, 0, 0
    return True, run + 1, edge


@numba.njit(cache=True, nogil=True)
def _completion_bounds(day_start, label, kind, units, cost, forbidden, rules, by_units):  # pragma: no cover
    """``bound[d, last, run, edge, u]``: the least cost of days ``d`` onwards from that
    state with ``u`` units of work minutes done, under the run, succession and (with
    ``by_units``) total-minutes rules alone: a relaxation (weekends and caps left out),
    so a label whose value plus it exceeds a threshold cannot end below it. Without
    ``by_units`` the minutes are left out too and ``u`` is always 0."""
    days = day_start.shape[0] - 1
    off = forbidden.shape[0] - 1
    min_off, min_run, max_run, run_radix = rules[0], rules[1], rules[2], rules[6]
    max_units, min_units = rules[4], rules[5]
    top = max_units if by_units else 0
    bound = np.full((days + 1, off + 1, run_radix, 2, top + 1), np.inf)
    for u in range(top + 1):
        if u >= min_units or not by_units:
            bound[days, :, :, :, u] = 0.0
    for day in range(days - 1, -1, -1):
        for last in range(off + 1):
            for run in range(run_radix):
                for edge in range(2):
                    for c in range(day_start[day] - 1, day_start[day + 1]):
                        working = c >= day_start[day]
                        nxt = kind[c] if working else off
                        ok, new_run, new_edge = _run_move(last, run, edge, day, label[c] if working else -1, off,
                                                          forbidden, min_off, min_run, max_run)
                        if not ok:
                            continue
                        step = cost[c] if working else 0.0
                        more = units[c] if working and by_units else 0
                        for u in range(top + 1 - more):
                            value = step + bound[day + 1, nxt, new_run, new_edge, u + more]
                            if value < bound[day, last, run, edge, u]:
                                bound[day, last, run, edge, u] = value
    return bound


@numba.njit(cache=True, nogil=True)
def _label(day_start, label, kind, units, slot, cost, forbidden, caps, radices, saturday, sunday, rules, most,
           threshold, by_units, table_keys, table_index, used, fields, counts, values, parent,
           choice):  # pragma: no cover - compiled
    days = day_start.shape[0] - 1
    off = forbidden.shape[0] - 1  # the kind index of "a day off"
    min_off, min_run, max_run, max_weekends = rules[0], rules[1], rules[2], rules[3]
    max_units, min_units = rules[4], rules[5]
    run_radix, weekend_radix, unit_radix, counted = rules[6], rules[7], rules[8], rules[9]
    mask = table_keys.shape[0] - 1
    layer_cap = fields.shape[1]
    bound = _completion_bounds(day_start, label, kind, units, cost, forbidden, rules, by_units)
    # state 0: before day 0, off in a run touching the edge
    cur = 0
    n = 1
    fields[cur, 0, 0] = off
    fields[cur, 0, 1] = min_off
    fields[cur, 0, 2] = 1
    fields[cur, 0, 3] = 0
    fields[cur, 0, 4] = 0
    for k in range(counted):
        counts[cur, 0, k] = 0
    values[0] = 0.0
    base = 0  # global index of the current layer's first state
    parent[0] = -1
    choice[0] = -1
    total = 1
    for day in range(days):
        nxt = 1 - cur
        m = 0
        n_used = 0
        first = day_start[day]
        for i in range(n):
            last = fields[cur, i, 0]
            run = fields[cur, i, 1]
            edge = fields[cur, i, 2]
            done = fields[cur, i, 3]
            weekends = fields[cur, i, 4]
            value = values[cur * layer_cap + i]
            for c in range(first - 1, day_start[day + 1]):
                working = c >= first
                new_last = kind[c] if working else off
                ok, new_run, new_edge = _run_move(last, run, edge, day, label[c] if working else -1, off,
                                                  forbidden, min_off, min_run, max_run)
                if not ok:
                    continue
                new_units, new_weekends, grow, new_value, taken = done, weekends, -1, value, -1
                if working:
                    if max_weekends >= 0 and (saturday[day] or (sunday[day] and last == off)):
                        new_weekends += 1
                        if new_weekends > max_weekends:
                            continue
                    new_units = done + units[c]
                    if new_units > max_units:
                        continue
                    grow = slot[c]
                    if grow >= 0 and counts[cur, i, grow] >= caps[grow]:
                        continue
                    new_value, taken = value + cost[c], c
                if new_value + bound[day + 1, new_last, new_run, new_edge, new_units if by_units else 0] > threshold:
                    continue
                key = ((((new_last * run_radix + new_run) * 2 + new_edge) * unit_radix + new_units)
                       * weekend_radix + new_weekends)
                for k in range(counted):
                    key = key * radices[k] + counts[cur, i, k] + (1 if k == grow else 0)
                h = (key * 2654435761) & mask
                while True:
                    stored = table_keys[h]
                    if stored == -1:
                        if m >= layer_cap or total + m >= parent.shape[0]:
                            for u in range(n_used):
                                table_keys[used[u]] = -1
                            return -1, np.zeros(0), np.zeros((0, 0), np.int64)
                        table_keys[h] = key
                        table_index[h] = m
                        used[n_used] = h
                        n_used += 1
                        fields[nxt, m, 0] = new_last
                        fields[nxt, m, 1] = new_run
                        fields[nxt, m, 2] = new_edge
                        fields[nxt, m, 3] = new_units
                        fields[nxt, m, 4] = new_weekends
                        for k in range(counted):
                            counts[nxt, m, k] = counts[cur, i, k] + (1 if k == grow else 0)
                        values[nxt * layer_cap + m] = new_value
                        parent[total + m] = base + i
                        choice[total + m] = taken
                        m += 1
                        break
                    if stored == key:
                        j = table_index[h]
                        if new_value < values[nxt * layer_cap + j]:
                            values[nxt * layer_cap + j] = new_value
                            parent[total + j] = base + i
                            choice[total + j] = taken
                        break
                    h = (h + 1) & mask
        for u in range(n_used):
            table_keys[used[u]] = -1
        base = total
        total += m
        cur = nxt
        n = m
    # the last run touches the horizon's end: no minimum applies to it
    order = np.argsort(values[cur * layer_cap: cur * layer_cap + n])
    best_values = np.zeros(most)
    patterns = np.full((most, days), -1, np.int64)
    found = 0
    for o in order:
        if found == most:
            break
        if fields[cur, o, 3] < min_units:
            continue
        best_values[found] = values[cur * layer_cap + o]
        g = base + o
        for day in range(days - 1, -1, -1):
            patterns[found, day] = choice[g]
            g = parent[g]
        found += 1
    return found, best_values, patterns
