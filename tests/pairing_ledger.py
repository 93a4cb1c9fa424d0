"""The small strong-leads-weak ledger whose scores and proposals ``test_pairing.py``
works out by hand (docs/pairing.md); ``test_pairing_props.py`` runs it on Neo4j too.
The ``pairing_ledger`` fixture (``tests/conftest.py``) writes it."""

from __future__ import annotations

AS_OF = "2026-06-30"

# Two districts; D1 has streets S1 (communities C1, C2) and S2 (C3), D2 has S3 (C4).
# Leaders: O1 (street committee), A1–A5; K1 is rated 5 but a party group cannot lead.
# Weak: W1–W9 (W5 led by A4, W7–W9 by A5: kept); W2's pairing with A3 expired; W6 "leads"
# Z1 (rated 3) although weaker; W3's joint building with Z1 does not count (Z1 is not strong).
PAIRING_HAND = {
    "regions": [
        ["id", "name", "level", "parent"],
        ["D1", "江城区", "district", ""],
        ["D2", "湖滨区", "district", ""],
        ["S1", "东街道", "street", "D1"],
        ["S2", "西街道", "street", "D1"],
        ["S3", "南街道", "street", "D2"],
        ["C1", "一社区", "community", "S1"],
        ["C2", "二社区", "community", "S1"],
        ["C3", "三社区", "community", "S2"],
        ["C4", "四社区", "community", "S3"],
        ["G1", "一网格", "grid", "C1"],
        ["G2", "二网格", "grid", "C2"],
        ["G3", "三网格", "grid", "C3"],
        ["G4", "四网格", "grid", "C4"],
    ],
    "buildings": [
        ["id", "name", "kind", "grid", "lat", "lon"],
        ["B1", "一网格1栋", "residential", "G1", "30.0", "112.0"],
        ["B2", "一网格2栋", "residential", "G1", "30.0", "112.01"],
        ["B3", "二网格1栋", "residential", "G2", "", ""],
    ],
    "orgs": [
        ["id", "name", "kind", "covers", "rating"],
        ["O1", "东街道党工委", "working_committee", "S1", "5"],
        ["A1", "一社区党委", "committee", "C1", "5"],
        ["A2", "一网格党支部", "branch", "B2", "4"],
        ["A3", "二社区党委", "committee", "C2", "良好"],
        ["A4", "三社区党委", "committee", "C3", "5"],
        ["A5", "四社区党委", "committee", "C4", "优秀"],
        ["K1", "一栋党小组", "group", "B1", "5"],
        ["Z1", "二网格三星支部", "branch", "G2", "3"],
        ["W1", "一栋党支部", "branch", "B1", "1"],
        ["W2", "二网格党支部", "branch", "G2", "较差"],
        ["W3", "三网格党支部", "branch", "G3", "2"],
        ["W4", "四网格党支部", "branch", "G4", "软弱涣散"],
        ["W5", "三网格二支部", "branch", "G3", "2"],
        ["W6", "四网格二支部", "branch", "G4", "1"],
        ["W7", "四网格三支部", "branch", "G4", "1"],
        ["W8", "四网格四支部", "branch", "G4", "1"],
        ["W9", "四网格五支部", "branch", "G4", "1"],
    ],
    "members": [
        ["id", "name", "birth_year", "education", "category", "org", "reported_to"]
        + ["assigned_grid"],
        ["M1", "甲一", "1990", "本科", "在职", "A1", "", "G1"],
        ["M2", "甲二", "1980", "高中", "在职", "A1", "C1", ""],
        ["M3", "甲三", "1995", "大专", "退休", "A1", "C1", ""],
        ["M4", "甲四", "", "", "在职", "A1", "", ""],
    ],
    "links": [
        ["source", "target", "kind", "since", "until"],
        ["A1", "A3", "joint_build", "2024-01-01", ""],
        ["A4", "W5", "strong_leads_weak", "2025-01-01", ""],
        ["W6", "Z1", "strong_leads_weak", "2025-01-01", ""],
        ["A5", "W7", "strong_leads_weak", "2025-01-01", ""],
        ["A5", "W8", "strong_leads_weak", "2025-01-01", ""],
        ["A5", "W9", "strong_leads_weak", "2025-01-01", AS_OF],
        ["A3", "W2", "strong_leads_weak", "2024-01-01", "2025-12-31"],
        ["W3", "Z1", "joint_build", "2025-01-01", ""],
    ],
}
