"""Cities and provinces that profiles and rule files may name.

Ids are lower-case pinyin (``shenzhen``); the Chinese name with or without 市/省 (``深圳``,
``深圳市``) and the English name are accepted as aliases. Each city knows its province, so a
provincial program can match an applicant registered anywhere in that province. The four
municipalities are both a city and a province.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .errors import UnknownCityError

__all__ = ["CITIES", "PROVINCES", "City", "Province", "city", "jurisdiction", "province"]


@dataclass(frozen=True, slots=True)
class Province:
    id: str
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class City:
    id: str
    zh: str
    en: str
    province: str


_PROVINCES = (
    ("beijing", "北京", "Beijing"),
    ("tianjin", "天津", "Tianjin"),
    ("shanghai", "上海", "Shanghai"),
    ("chongqing", "重庆", "Chongqing"),
    ("hebei", "河北", "Hebei"),
    ("shanxi", "山西", "Shanxi"),
    ("inner-mongolia", "内蒙古", "Inner Mongolia"),
    ("liaoning", "辽宁", "Liaoning"),
    ("jilin", "吉林", "Jilin"),
    ("heilongjiang", "黑龙江", "Heilongjiang"),
    ("jiangsu", "江苏", "Jiangsu"),
    ("zhejiang", "浙江", "Zhejiang"),
    ("anhui", "安徽", "Anhui"),
    ("fujian", "福建", "Fujian"),
    ("jiangxi", "江西", "Jiangxi"),
    ("shandong", "山东", "Shandong"),
    ("henan", "河南", "Henan"),
    ("hubei", "湖北", "Hubei"),
    ("hunan", "湖南", "Hunan"),
    ("guangdong", "广东", "Guangdong"),
    ("guangxi", "广西", "Guangxi"),
    ("hainan", "海南", "Hainan"),
    ("sichuan", "四川", "Sichuan"),
    ("guizhou", "贵州", "Guizhou"),
    ("yunnan", "云南", "Yunnan"),
    ("tibet", "西藏", "Tibet"),
    ("shaanxi", "陕西", "Shaanxi"),
    ("gansu", "甘肃", "Gansu"),
    ("qinghai", "青海", "Qinghai"),
    ("ningxia", "宁夏", "Ningxia"),
    ("xinjiang", "新疆", "Xinjiang"),
)

# Provincial capitals, sub-provincial cities and every city a program in rules/ names.
_CITIES = (
    ("beijing", "北京", "Beijing", "beijing"),
    ("tianjin", "天津", "Tianjin", "tianjin"),
    ("shanghai", "上海", "Shanghai", "shanghai"),
    ("chongqing", "重庆", "Chongqing", "chongqing"),
    ("shijiazhuang", "石家庄", "Shijiazhuang", "hebei"),
    ("langfang", "廊坊", "Langfang", "hebei"),
    ("taiyuan", "太原", "Taiyuan", "shanxi"),
    ("hohhot", "呼和浩特", "Hohhot", "inner-mongolia"),
    ("shenyang", "沈阳", "Shenyang", "liaoning"),
    ("dalian", "大连", "Dalian", "liaoning"),
    ("changchun", "长春", "Changchun", "jilin"),
    ("harbin", "哈尔滨", "Harbin", "heilongjiang"),
    ("nanjing", "南京", "Nanjing", "jiangsu"),
    ("suzhou", "苏州", "Suzhou", "jiangsu"),
    ("wuxi", "无锡", "Wuxi", "jiangsu"),
    ("yangzhou", "扬州", "Yangzhou", "jiangsu"),
    ("changzhou", "常州", "Changzhou", "jiangsu"),
    ("hangzhou", "杭州", "Hangzhou", "zhejiang"),
    ("ningbo", "宁波", "Ningbo", "zhejiang"),
    ("hefei", "合肥", "Hefei", "anhui"),
    ("wuhu", "芜湖", "Wuhu", "anhui"),
    ("bengbu", "蚌埠", "Bengbu", "anhui"),
    ("fuzhou", "福州", "Fuzhou", "fujian"),
    ("xiamen", "厦门", "Xiamen", "fujian"),
    ("zhangzhou", "漳州", "Zhangzhou", "fujian"),
    ("nanchang", "南昌", "Nanchang", "jiangxi"),
    ("jinan", "济南", "Jinan", "shandong"),
    ("qingdao", "青岛", "Qingdao", "shandong"),
    ("yantai", "烟台", "Yantai", "shandong"),
    ("jining", "济宁", "Jining", "shandong"),
    ("zhengzhou", "郑州", "Zhengzhou", "henan"),
    ("wuhan", "武汉", "Wuhan", "hubei"),
    ("changsha", "长沙", "Changsha", "hunan"),
    ("guangzhou", "广州", "Guangzhou", "guangdong"),
    ("shenzhen", "深圳", "Shenzhen", "guangdong"),
    ("dongguan", "东莞", "Dongguan", "guangdong"),
    ("foshan", "佛山", "Foshan", "guangdong"),
    ("zhuhai", "珠海", "Zhuhai", "guangdong"),
    ("nanning", "南宁", "Nanning", "guangxi"),
    ("haikou", "海口", "Haikou", "hainan"),
    ("chengdu", "成都", "Chengdu", "sichuan"),
    ("guiyang", "贵阳", "Guiyang", "guizhou"),
    ("zunyi", "遵义", "Zunyi", "guizhou"),
    ("kunming", "昆明", "Kunming", "yunnan"),
    ("lhasa", "拉萨", "Lhasa", "tibet"),
    ("xian", "西安", "Xi'an", "shaanxi"),
    ("lanzhou", "兰州", "Lanzhou", "gansu"),
    ("qingyang", "庆阳", "Qingyang", "gansu"),
    ("xining", "西宁", "Xining", "qinghai"),
    ("yinchuan", "银川", "Yinchuan", "ningxia"),
    ("zhongwei", "中卫", "Zhongwei", "ningxia"),
    ("urumqi", "乌鲁木齐", "Urumqi", "xinjiang"),
)

PROVINCES: dict[str, Province] = {p[0]: Province(*p) for p in _PROVINCES}
CITIES: dict[str, City] = {c[0]: City(*c) for c in _CITIES}


def _key(name: str) -> str:
    return name.strip().lower().replace(" ", "").replace("'", "").replace("’", "")


@cache
def _aliases(kind: str) -> dict[str, str]:
    table: dict[str, City] | dict[str, Province] = CITIES if kind == "city" else PROVINCES
    suffixes = ("市",) if kind == "city" else ("省", "市", "自治区", "壮族自治区", "回族自治区")
    out: dict[str, str] = {}
    for entry in table.values():
        out[_key(entry.id)] = entry.id
        out[_key(entry.en)] = entry.id
        out[entry.zh] = entry.id
        for suffix in suffixes:
            out[entry.zh + suffix] = entry.id
    return out


def _resolve(name: object, kind: str) -> str:
    if not isinstance(name, str):
        raise UnknownCityError(f"a {kind} must be written as text, got {name!r}")
    found = _aliases(kind).get(_key(name))
    if found is None:
        from .problems import did_you_mean, suggest

        shown = name if len(name) <= 40 else name[:37] + "..."
        close = suggest(_key(name), _aliases(kind))
        ids = tuple(dict.fromkeys(_aliases(kind)[c] for c in close))
        hint = did_you_mean(ids) or (
            "; use a pinyin id such as 'shenzhen' or a Chinese name such as '深圳' "
            "(run `aivoucher programs` for the cities with programs)"
        )
        raise UnknownCityError(f"unknown {kind} {shown!r}{hint}", suggestions=ids)
    return found


def city(name: object) -> str:
    """Canonical city id of a pinyin id or a Chinese or English name.

    Raises :class:`UnknownCityError` for a name not in the table.
    """
    return _resolve(name, "city")


def province(name: object) -> str:
    """Canonical province id, as :func:`city` does for cities."""
    return _resolve(name, "province")


def jurisdiction(name: str) -> str:
    """A city or a province id (rule files are issued by either)."""
    if name in CITIES or name in PROVINCES:
        return name
    raise UnknownCityError(f"unknown jurisdiction {name!r}")


def province_of(city_id: str) -> str:
    return CITIES[city_id].province
