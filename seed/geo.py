"""Fictional but plausible geography: township polygons that tile the county, villages inside them."""

import json
import math

import numpy as np

# Bounding box of the demo county (lon, lat), roughly the size of a real county.
WEST, EAST, SOUTH, NORTH = 111.20, 111.95, 27.40, 28.05
SUB = 3  # lattice points per township edge: boundaries get bends instead of straight lines

TOWNSHIP_NAMES = ["城关镇", "青山镇", "石门乡", "白沙镇", "龙潭镇", "桃源乡", "清水镇", "高峰乡",
                  "河口镇", "长岭乡", "新田镇", "金竹乡", "云溪镇", "马坪乡", "双江镇", "柳塘乡"]
NAME_A = list("青石白龙桃清高河长新金云马双柳东西南北上下大小凤鹤松竹梅兰枫杨柏栗梨茶溪泉湖岭坪塘")
NAME_B = list("山峰坪溪塘湾冲坳岗桥林田园庄坝口洲湖垅源坡岩")


def township_names(n: int, rng: np.random.Generator) -> list[str]:
    if n <= len(TOWNSHIP_NAMES):
        return TOWNSHIP_NAMES[:n]
    combos = [a + b for a in NAME_A for b in NAME_B]
    order = rng.permutation(len(combos))
    extra = []
    for k in range(n - len(TOWNSHIP_NAMES)):  # province-scale runs need more names than combinations
        i = order[k % len(combos)]
        extra.append(combos[i] + (str(k // len(combos) + 1) if k >= len(combos) else "") + ("镇" if i % 2 else "乡"))
    return TOWNSHIP_NAMES + extra


def village_names(n: int, rng: np.random.Generator) -> list[str]:
    combos = [a + b for a in NAME_A for b in NAME_B]
    picks = rng.permutation(len(combos))[:n]
    return [combos[i] + "村" for i in picks]


def township_grid(n: int, rng: np.random.Generator):
    """Polygons (GeoJSON strings), centroids and cell boxes for n townships on a jittered grid."""
    cols = math.ceil(math.sqrt(n * (EAST - WEST) / (NORTH - SOUTH)))
    rows = math.ceil(n / cols)
    nx, ny = cols * SUB + 1, rows * SUB + 1
    dx, dy = (EAST - WEST) / (nx - 1), (NORTH - SOUTH) / (ny - 1)
    gx = WEST + np.arange(nx)[:, None] * dx + rng.uniform(-0.3, 0.3, (nx, ny)) * dx
    gy = SOUTH + np.arange(ny)[None, :] * dy + rng.uniform(-0.3, 0.3, (nx, ny)) * dy
    polygons, centroids, boxes = [], [], []
    for k in range(n):
        r, c = divmod(k, cols)
        r = rows - 1 - r  # first township in the north-west corner
        i0, j0 = c * SUB, r * SUB
        ring = ([(i0 + s, j0) for s in range(SUB)] + [(i0 + SUB, j0 + s) for s in range(SUB)]
                + [(i0 + SUB - s, j0 + SUB) for s in range(SUB)] + [(i0, j0 + SUB - s) for s in range(SUB)])
        coords = [[round(float(gx[i, j]), 5), round(float(gy[i, j]), 5)] for i, j in ring]
        coords.append(coords[0])
        polygons.append(json.dumps({"type": "Polygon", "coordinates": [coords]}))
        centroids.append((float(np.mean([p[0] for p in coords[:-1]])), float(np.mean([p[1] for p in coords[:-1]]))))
        x0, y0 = WEST + i0 * dx, SOUTH + j0 * dy
        boxes.append((x0, y0, x0 + SUB * dx, y0 + SUB * dy))
    return polygons, centroids, boxes


def points_in_boxes(boxes: list, owner: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Random points in the inner part of each owner's box (safely inside the jittered polygon)."""
    b = np.asarray(boxes)[owner]
    u, v = rng.uniform(0.15, 0.85, len(owner)), rng.uniform(0.15, 0.85, len(owner))
    lon = b[:, 0] + u * (b[:, 2] - b[:, 0])
    lat = b[:, 1] + v * (b[:, 3] - b[:, 1])
    return np.round(lon, 5), np.round(lat, 5)
