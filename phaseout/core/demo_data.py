"""The demo's showcase enterprises (one per industry, each with lines, indicators and
licences that exercise the rules) and its accounts (username, role, department, where).
Demo only: `phaseout demo` loads them; nothing else reads this file."""

SHOWCASE = [
    {
        "key": "shaoguan-steel",
        "serial": 99_000_001,
        "county_code": "440205",
        "name": "韶关曲江粤北钢铁有限公司",
        "industry": "steel",
        "legal_representative": "黄志强",
        "address": "广东省韶关市曲江区马坝镇钢铁大道8号",
        "latitude": 24.68,
        "longitude": 113.60,
        "lines": [
            {
                "line_code": "BF1",
                "equipment_type": "blast-furnace",
                "size": 1080,
                "capacity": 97,
                "energy": ("process-energy", 392),
            },
            # Small blast furnace, kept only because it is registered for foundry iron.
            {
                "line_code": "BF2",
                "equipment_type": "blast-furnace",
                "size": 380,
                "capacity": 32,
                "registered_use": "foundry_iron",
                "energy": ("process-energy", 441),
            },
            {"line_code": "BOF1", "equipment_type": "converter", "size": 120, "capacity": 130},
            # An induction furnace is registered with its transformer rating (T5).
            {
                "line_code": "IF1",
                "equipment_type": "induction-furnace",
                "size": 5,
                "second_size": 4000,
                "capacity": 3,
                "energy": ("process-energy", 101),
            },
        ],
        "licences": [("production", "XK05-001-00441"), ("discharge", "{uscc}001P")],
    },
    {
        "key": "yunfu-cement",
        "serial": 99_000_002,
        "county_code": "445303",
        "name": "云浮云安石山水泥厂有限公司",
        "industry": "cement",
        "legal_representative": "陈建国",
        "address": "广东省云浮市云安区六都镇石山工业园3号",
        "latitude": 23.07,
        "longitude": 112.00,
        "lines": [
            {
                "line_code": "SK1",
                "equipment_type": "shaft-kiln",
                "size": 300,
                "capacity": 9,
                "status": "rectifying",
                "energy": ("clinker-power", 88.5),
            },
            {
                "line_code": "CM1",
                "equipment_type": "cement-mill",
                "size": 60,
                "capacity": 43,
                "energy": ("cement-power", 41.2),
            },
        ],
        "licences": [("production", "XK08-001-05311"), ("discharge", "{uscc}001P")],
    },
    {
        "key": "qingyuan-glass",
        "serial": 99_000_003,
        "county_code": "441802",
        "name": "清远清城明光玻璃有限公司",
        "industry": "flat-glass",
        "legal_representative": "李秀英",
        "address": "广东省清远市清城区石角镇玻璃路12号",
        "latitude": 23.58,
        "longitude": 113.02,
        "lines": [
            {
                "line_code": "PL1",
                "equipment_type": "flat-draw-line",
                "size": 80,
                "capacity": 48,
                "commissioned_on": "1996-08-01",
                "energy": ("glass-energy", 22.4),
            },
            {
                "line_code": "FL1",
                "equipment_type": "float-line",
                "size": 600,
                "capacity": 420,
                "energy": ("glass-energy", 14.1),
            },
        ],
        "licences": [("discharge", "{uscc}001P")],
    },
    {
        "key": "zhanjiang-aluminium",
        "serial": 99_000_004,
        "county_code": "440811",
        "name": "湛江麻章南海铝业有限公司",
        "industry": "aluminium",
        "legal_representative": "梁海涛",
        "address": "广东省湛江市麻章区临港工业园铝业路1号",
        "latitude": 21.26,
        "longitude": 110.33,
        "lines": [
            {
                "line_code": "PB1",
                "equipment_type": "prebaked-cell-series",
                "size": 400,
                "capacity": 32,
                "energy": ("al-ac-power", 13720),
            },
            {
                "line_code": "ZB1",
                "equipment_type": "soderberg-cell-series",
                "size": 100,
                "capacity": 6,
                "status": "sealed",
                "commissioned_on": "1993-05-01",
            },
        ],
        "licences": [("discharge", "{uscc}001P"), ("safety", "(粤)AQ2021-{uscc}")],
    },
    {
        "key": "maoming-power",
        "serial": 99_000_005,
        "county_code": "440904",
        "name": "茂名电白滨海热电有限公司",
        "industry": "coal-power",
        "legal_representative": "吴伟",
        "address": "广东省茂名市电白区水东湾电厂路2号",
        "latitude": 21.50,
        "longitude": 111.01,
        "lines": [
            {
                "line_code": "U1",
                "equipment_type": "coal-fired-unit",
                "size": 600,
                "capacity": 600,
                "energy": ("coal-consumption", 298),
            },
            {
                "line_code": "U2",
                "equipment_type": "coal-fired-unit",
                "size": 50,
                "capacity": 50,
                "status": "emergency_reserve",
                "commissioned_on": "1998-12-01",
                "energy": ("coal-consumption", 372),
            },
        ],
        "licences": [("discharge", "{uscc}001P")],
    },
]

# username, role, department, (division code, level) or the showcase enterprise's key.
# Every case the demo opens on a showcase enterprise has, in its city, a handler who takes
# its steps and proposes, an approver (统筹协调) who decides, and for an exit the second
# official who signs the on-site acceptance; each showcase enterprise with cases has its own
# account. README.md lists them all.
SHAOGUAN = ("440200", "city")
YUNFU = ("445300", "city")
QINGYUAN = ("441800", "city")
ACCOUNTS = [
    ("admin", "administrator", "industry", ("440000", "province")),
    ("province-industry", "coordinator", "industry", ("440000", "province")),
    ("province-energy", "viewer", "energy", ("440000", "province")),
    # Shaoguan: every department that answers for a path.
    ("shaoguan-industry", "coordinator", "industry", SHAOGUAN),
    ("shaoguan-industry-2", "handler", "industry", SHAOGUAN),
    ("shaoguan-energy", "handler", "energy", SHAOGUAN),
    ("shaoguan-energy-approver", "coordinator", "energy", SHAOGUAN),
    ("shaoguan-ecology", "handler", "ecology-environment", SHAOGUAN),
    ("shaoguan-ecology-approver", "coordinator", "ecology-environment", SHAOGUAN),
    ("shaoguan-market", "handler", "market-regulation", SHAOGUAN),
    ("shaoguan-market-approver", "coordinator", "market-regulation", SHAOGUAN),
    ("shaoguan-safety", "handler", "emergency-management", SHAOGUAN),
    ("shaoguan-safety-approver", "coordinator", "emergency-management", SHAOGUAN),
    ("qujiang-industry", "handler", "industry", ("440205", "county")),
    ("guangzhou-market", "viewer", "market-regulation", ("440100", "city")),
    # Yunfu and Qingyuan: the energy and industry cases of their showcase enterprises.
    ("yunfu-industry", "coordinator", "industry", YUNFU),
    ("yunfu-industry-2", "handler", "industry", YUNFU),
    ("yunfu-energy", "handler", "energy", YUNFU),
    ("yunfu-energy-approver", "coordinator", "energy", YUNFU),
    ("qingyuan-industry", "coordinator", "industry", QINGYUAN),
    ("qingyuan-industry-2", "handler", "industry", QINGYUAN),
    ("qingyuan-energy", "handler", "energy", QINGYUAN),
    ("qingyuan-energy-approver", "coordinator", "energy", QINGYUAN),
    # The showcase enterprises with cases, each its own account.
    ("shaoguan-steel", "enterprise", None, "shaoguan-steel"),
    ("yunfu-cement", "enterprise", None, "yunfu-cement"),
    ("qingyuan-glass", "enterprise", None, "qingyuan-glass"),
]
