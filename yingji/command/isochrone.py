"""Isochrone polygons from travel times sampled along the reached roads (pure: no Django).

The approach Valhalla takes: a grid of square cells over the reached area holds, for each cell, the earliest
time at which a road point inside it is reached; a minimum filter with a disk of radius ``buffer_m`` spreads
that time over the band around the roads; the area of one budget is the set of cells at or under it, traced
into polygons along the cell edges. One grid serves every budget of a request, so a smaller budget's area lies
exactly inside a larger one's. The cost grows with the number of cells and the length of the outline, not
with how many road bands overlap: unioning 100 000 buffered road pieces took 2–20 s on a dense city grid.

The outline follows cell edges, so it is exact to within a cell: a cell is in when some road point in a cell
whose centre lies within ``buffer_m`` of its centre is reached in time (so a place up to half a cell diagonal
nearer or farther than ``buffer_m`` from such a point may be counted either way).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import shapely
from scipy import ndimage
from shapely.geometry.base import BaseGeometry

__all__ = ["MAX_CELLS", "band_polygons", "cell_size", "outline"]

# The grid never holds more than this many cells: a county-wide 30-minute area at 50 m would be millions of
# cells, so the cell grows instead (the filter's cost is linear in the cells).
MAX_CELLS = 400_000
# Cells per band half-width at the finest: a 200 m band is drawn with 50 m cells.
CELLS_PER_BUFFER = 4


def cell_size(extent_xy: np.ndarray, buffer_m: float) -> float:
    """The cell edge (m) for points spread over ``extent_xy`` ((min x, min y), (max x, max y)) and a band."""
    width, height = (extent_xy[1] - extent_xy[0]) + 2 * buffer_m
    fine = buffer_m / CELLS_PER_BUFFER
    return max(fine, math.sqrt(max(width, 1.0) * max(height, 1.0) / MAX_CELLS))


def band_polygons(xy: np.ndarray, times: np.ndarray, budgets: Sequence[float], *, buffer_m: float,
                  cell_m: float | None = None) -> list[BaseGeometry]:
    """For each budget (s), the cells within ``buffer_m`` of a point of ``xy`` (m) whose time is ≤ the budget.

    ``xy`` are points along the reached roads (at most a cell apart, so no cell a road crosses is missed) and
    ``times`` the seconds at which each is reached. Returns one polygon (or multipolygon) per budget, in the
    points' metric coordinates; empty where no point is in time.
    """
    if len(xy) == 0:
        return [shapely.Polygon() for _ in budgets]
    extent = np.array([xy.min(axis=0), xy.max(axis=0)])
    cell = cell_m or cell_size(extent, buffer_m)
    radius = int(buffer_m // cell)
    origin = extent[0] - (radius + 1) * cell  # a free ring of cells around the band
    columns, rows = (np.floor((extent[1] - origin) / cell).astype(int) + radius + 2)
    ij = np.floor((xy - origin) / cell).astype(np.int64)
    flat = ij[:, 1] * columns + ij[:, 0]
    earliest = np.full(rows * columns, np.inf, dtype=np.float32)
    np.minimum.at(earliest, flat, times.astype(np.float32))
    earliest = earliest.reshape(rows, columns)
    if radius > 0:
        earliest = _disk_minimum(earliest, buffer_m / cell)
    return [outline(earliest <= np.float32(budget), origin, cell) for budget in budgets]


def _disk_minimum(grid: np.ndarray, radius: float) -> np.ndarray:
    """The minimum over a disc of ``radius`` cells round each cell (cells whose centres lie within it).

    The disc is a stack of rows of half-width ⌊√(r² − dy²)⌋: one running minimum along the rows per width
    (van Herk's, whatever its size) and a shifted minimum per row, instead of r² comparisons per cell.
    """
    reach = int(radius)
    result = np.full_like(grid, np.inf)
    by_width: dict[int, np.ndarray] = {}
    for dy in range(-reach, reach + 1):
        width = int(math.floor(math.sqrt(max(radius * radius - dy * dy, 0.0))))
        if width not in by_width:
            by_width[width] = ndimage.minimum_filter1d(grid, 2 * width + 1, axis=1, mode="constant", cval=np.inf)
        rows = by_width[width]
        if dy >= 0:  # result[i] takes row i + dy
            np.minimum(result[:len(grid) - dy], rows[dy:], out=result[:len(grid) - dy])
        else:
            np.minimum(result[-dy:], rows[:dy], out=result[-dy:])
    return result


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The outline's edges along rows of a padded mask, merged into straight runs.

    Returns (line, first column, last column + 1): line k lies between rows k and k + 1. A run stops at a
    corner and at a vertex where two cells touch only diagonally, so the pieces meet only at their ends (the
    noding polygonize needs).
    """
    edge = mask[1:, :] != mask[:-1, :]
    # A vertex continues a run when edges lie both sides of it and no edge crosses it (same cell below).
    through = np.zeros_like(edge)
    through[:, 1:] = edge[:, :-1] & edge[:, 1:] & (mask[:-1, :-1] == mask[:-1, 1:])
    after = np.zeros_like(edge)
    after[:, :-1] = through[:, 1:]
    start_line, start_col = np.nonzero(edge & ~through)
    _, end_col = np.nonzero(edge & ~after)
    return start_line, start_col, end_col + 1


def outline(mask: np.ndarray, origin: np.ndarray, cell: float) -> BaseGeometry:
    """The cells set in ``mask`` (row 0 at ``origin``'s y, column 0 at its x) as one (multi)polygon with holes.

    The outline's runs are directed with the set cells on their left, so shells run anticlockwise and holes
    clockwise; at a vertex where set cells touch only diagonally each ring turns left, keeping them apart
    (polygons touching at a corner, as a valid multipolygon allows).
    """
    rows, columns = np.nonzero(mask)
    if len(rows) == 0:
        return shapely.Polygon()
    # Trace only the set cells' bounding box: a small budget's cells are a corner of the shared grid.
    r0, c0 = rows.min(), columns.min()
    padded = np.pad(mask[r0:rows.max() + 1, c0:columns.max() + 1], 1)
    width = padded.shape[1] + 1  # vertices per row; vertex (i, j) is the corner at column j, row i
    line, lo, hi = _runs(padded)
    east = padded[line + 1, lo]  # the cell above is set: run east
    h_start = np.where(east, (line + 1) * width + lo, (line + 1) * width + hi)
    h_end = np.where(east, (line + 1) * width + hi, (line + 1) * width + lo)
    line, lo, hi = _runs(padded.T)
    north = padded[lo, line]  # the cell on the west is set: run north
    v_start = np.where(north, lo * width + line + 1, hi * width + line + 1)
    v_end = np.where(north, hi * width + line + 1, lo * width + line + 1)
    start, end = np.concatenate([h_start, v_start]), np.concatenate([h_end, v_end])
    heading = np.concatenate([np.where(east, 0, 2), np.where(north, 1, 3)])  # 0 E, 1 N, 2 W, 3 S
    # The next run starts where this one ends: a left turn where there is one, else the right turn.
    keys = start * 4 + heading
    order = np.argsort(keys)
    sorted_keys = keys[order]
    left = end * 4 + (heading + 1) % 4
    at = np.searchsorted(sorted_keys, left).clip(max=len(keys) - 1)
    turn_left = sorted_keys[at] == left
    at = np.where(turn_left, at, np.searchsorted(sorted_keys, end * 4 + (heading + 3) % 4))
    successor = order[at]
    ring, position = _cycles(successor)
    sequence = np.lexsort((position, ring))
    corners, ring = start[sequence], np.unique(ring[sequence], return_inverse=True)[1]
    corners, ring = _split_pinches(corners, ring)
    xy = np.column_stack([origin[0] + (corners % width + c0 - 1) * cell,
                          origin[1] + (corners // width + r0 - 1) * cell])
    rings = shapely.linearrings(xy, indices=ring)
    # Shoelace on the closed rings: positive is anticlockwise, a shell.
    areas = shapely.area(shapely.polygons(rings))
    signed = np.where(shapely.is_ccw(rings), areas, -areas)
    shells = [shapely.Polygon(r) for r in rings[signed > 0]]
    holes = rings[signed < 0]
    shell_holes: list[list[BaseGeometry]] = [[] for _ in shells]
    if len(holes):
        tree = shapely.STRtree(shells)
        hole_area = -signed[signed < 0]
        shell_area = np.array([p.area for p in shells])
        hole_index, shell_index = tree.query(shapely.point_on_surface(shapely.polygons(holes)), predicate="within")
        # A hole belongs to the smallest shell round it; shells of islands inside the hole are smaller than it.
        bigger = shell_area[shell_index] > hole_area[hole_index]
        hole_index, shell_index = hole_index[bigger], shell_index[bigger]
        for h in np.unique(hole_index):
            candidates = shell_index[hole_index == h]
            shell_holes[int(candidates[np.argmin(shell_area[candidates])])].append(holes[h])
    polygons = [shapely.Polygon(shell.exterior, holes) for shell, holes in zip(shells, shell_holes, strict=True)]
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def _split_pinches(corners: np.ndarray, ring: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rings (corner ids in order, ring labels 0…k−1) with every ring that passes a corner twice cut there.

    Left turns keep diagonal set cells apart, so a shell or hole can still come back to a corner it pinched
    round; cut into two simple rings (a shell and a hole touching it, or two holes), the result is valid.
    """
    pairs = ring * (int(corners.max()) + 1) + corners
    unique, counts = np.unique(pairs, return_counts=True)
    pinched = np.unique(unique[counts > 1] // (int(corners.max()) + 1))
    if not len(pinched):
        return corners, ring
    kept = ~np.isin(ring, pinched)
    pieces: list[list[int]] = []
    for label in pinched:
        pieces.extend(_simple_loops(corners[ring == label].tolist()))
    extra_corners = np.array([c for piece in pieces for c in piece], dtype=corners.dtype)
    base = int(ring.max()) + 1
    extra_ring = np.repeat(np.arange(base, base + len(pieces)), [len(piece) for piece in pieces])
    corners = np.concatenate([corners[kept], extra_corners])
    return corners, np.unique(np.concatenate([ring[kept], extra_ring]), return_inverse=True)[1]


def _simple_loops(corners: list[int]) -> list[list[int]]:
    """One closed walk of corners cut at each repeated corner into loops that visit no corner twice."""
    loops: list[list[int]] = []
    walk: list[int] = []
    seen: dict[int, int] = {}
    for corner in corners:
        if corner in seen:  # close the loop back to the corner's first visit
            at = seen[corner]
            loops.append(walk[at:])
            for c in walk[at:]:
                del seen[c]
            walk = walk[:at]
        seen[corner] = len(walk)
        walk.append(corner)
    loops.append(walk)
    return loops


def _cycles(successor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For a permutation made of cycles: each element's cycle (labelled by its smallest member) and its place.

    Pointer doubling: after k rounds every element knows the smallest label within 2^k steps ahead and how far
    it is, so log2(n) vectorised rounds replace a walk round every ring.
    """
    n = len(successor)
    label = np.arange(n)
    jump = successor.copy()
    for _ in range(max(1, int(np.ceil(np.log2(max(n, 2)))) + 1)):
        label = np.minimum(label, label[jump])
        jump = jump[jump]
    # Distance from the ring's head (its smallest member): break each ring before its head and rank by doubling.
    head = label
    nxt = np.where(successor == head, -1, successor)
    distance = (nxt >= 0).astype(np.int64)
    for _ in range(max(1, int(np.ceil(np.log2(max(n, 2)))) + 1)):
        going = nxt >= 0
        target = nxt[going]
        new_distance = distance.copy()
        new_distance[going] += distance[target]
        new_nxt = nxt.copy()
        new_nxt[going] = nxt[target]
        distance, nxt = new_distance, new_nxt
    # ``distance`` counts the steps to the ring's last member; the head has the most.
    return label, -distance
