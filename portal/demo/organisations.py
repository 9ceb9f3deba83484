"""The demo organisations: the committee, eight industry associations and their member firms.

Pure data and generators — no database access — so the same lists can feed the seed command, tests and docs.
Everything is deterministic: the firms come from ``random.Random`` with a fixed seed, so every run (and every
machine) produces the same names, codes and memberships. Changing the generator changes the demo data; a database
seeded before then keeps its old firms and gains the new ones.

All 统一社会信用代码 are valid (GB 32100-2015 check character); the organisation-code part (characters 9–17)
also carries a GB 11714 check character, as real codes do.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from core.uscc import ALPHABET, check_character

COMMITTEE_NAME = "成都市城市管理委员会"
SEED = 20231101  # the day of the committee's symposium with the associations (seed 000)

# Membership levels, as stored in associations.models.Membership.Level (kept literal: no app import here).
PRESIDENT, VICE_PRESIDENT, COUNCIL, MEMBER = "president", "vice_president", "council", "member"


# --- Codes ---------------------------------------------------------------------------------------------------

_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code(body8: str) -> str:
    """The 9-character organisation code: 8 characters plus the GB 11714 check character."""
    total = sum(int(ch, 36) * w for ch, w in zip(body8, _GB11714_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + {10: "X", 11: "0"}.get(check, str(check))


def uscc(prefix8: str, body8: str) -> str:
    """Registration prefix (authority, type, area: e.g. ``91510107``) + organisation code + check character."""
    first17 = prefix8 + organisation_code(body8)
    return first17 + check_character(first17)


# --- Associations --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssociationSpec:
    sector: str  # associations.models.Sector value; also the spec's key
    name: str
    short_name: str
    uscc: str
    contact_person: str
    contact_phone: str
    contact_email: str
    address: str
    intro: str
    member_count: int
    anchor_firms: tuple[str, ...]  # fixed names; the first is the 会长单位


ASSOCIATIONS: tuple[AssociationSpec, ...] = (
    AssociationSpec(
        sector="lighting",
        name="四川省照明电器协会",
        short_name="省照明电器协会",
        uscc=uscc("51510000", "MJ000318"),
        contact_person="何光辉",
        contact_phone="028-86214375",
        contact_email="office@sclighting.demo.local",
        address="成都市武侯区人民南路四段27号",
        intro=(
            "全省照明电器行业的社会团体。参与《成都市城市照明管理条例》的立法讨论，参与编制《道路照明维护管理规范》"
            "和《智慧多功能灯杆设备及材料技术规范》，为全市功能性照明提档升级和城市夜景靓化汇聚行业力量。"
        ),
        member_count=30,
        anchor_firms=("成都蓉光照明工程有限公司", "四川明辉光电科技有限公司"),
    ),
    AssociationSpec(
        sector="advertising",
        name="四川省广告协会",
        short_name="省广告协会",
        uscc=uscc("51510000", "MJ000127"),
        contact_person="罗文静",
        contact_phone="028-86632109",
        contact_email="office@scad.demo.local",
        address="成都市青羊区人民中路二段68号",
        intro=(
            "全省广告行业的社会团体。与市城管委共同举办成都国际广告节、成都市户外广告招牌评比等大型活动，"
            "参与广告招牌示范街创建，推动城市立面净化、市容美化。"
        ),
        member_count=28,
        anchor_firms=("四川天府广告传媒有限公司",),
    ),
    AssociationSpec(
        sector="sanitation",
        name="成都市环境卫生协会",
        short_name="市环卫协会",
        uscc=uscc("51510100", "MJ009214"),
        contact_person="杨秀英",
        contact_phone="028-87715862",
        contact_email="office@cdhw.demo.local",
        address="成都市金牛区金府路599号",
        intro=(
            "全市环境卫生行业的社会团体。编订《环卫作业费用指导标准》，填补了全市环卫作业定价及依据的空白；"
            "参与举办“环卫工人节”文艺汇演和环卫爱心驿站建设宣传，提升成都环卫品牌的知名度。"
        ),
        member_count=34,
        anchor_firms=("成都锦城环境服务有限公司",),
    ),
    AssociationSpec(
        sector="municipal",
        name="成都市市政设施管护协会",
        short_name="市政管护协会",
        uscc=uscc("51510100", "MJ009386"),
        contact_person="邓志刚",
        contact_phone="028-85123647",
        contact_email="office@cdszgh.demo.local",
        address="成都市成华区建设路55号",
        intro=(
            "全市市政设施养护维修企业的社会团体。组织行业专家为市政设施维护建言献策，初步建立市政设施养护维修行业"
            "企业信用管理制度，完善行业自律管理和约束机制。"
        ),
        member_count=27,
        anchor_firms=("成都市政设施养护工程有限公司",),
    ),
    AssociationSpec(
        sector="kitchen_waste",
        name="成都餐厨垃圾与废弃油脂资源化利用协会",
        short_name="餐厨资源化协会",
        uscc=uscc("51510100", "MJ009451"),
        contact_person="曾庆华",
        contact_phone="028-84456021",
        contact_email="office@cdcc.demo.local",
        address="成都市龙泉驿区驿都大道中路1号",
        intro=(
            "全市餐厨垃圾收运处置与废弃油脂资源化利用企业的社会团体。参与餐厨垃圾管理办法的立法讨论，"
            "组织行业专家为餐厨垃圾处置工作建言献策，推动行业运转标准化、科学化。"
        ),
        member_count=26,
        anchor_firms=("成都蓉城餐厨废弃物处理有限公司",),
    ),
    AssociationSpec(
        sector="recycling",
        name="成都市再生资源行业协会",
        short_name="再生资源协会",
        uscc=uscc("51510100", "MJ008763"),
        contact_person="彭建军",
        contact_phone="028-83327758",
        contact_email="office@cdzsz.demo.local",
        address="成都市新都区新都大道8号",
        intro=(
            "全市再生资源回收利用企业的社会团体。及时把城市管理利好政策传达到行业企业，促进上下游产业链合作，"
            "帮助企业协调解决融资、市场、技术等实际困难。"
        ),
        member_count=29,
        anchor_firms=("成都绿源再生资源回收有限公司",),
    ),
    AssociationSpec(
        sector="car_wash",
        name="成都市机动车清洗美容行业协会",
        short_name="机动车清洗美容协会",
        uscc=uscc("51510100", "MJ010542"),
        contact_person="蒋丽萍",
        contact_phone="028-85579316",
        contact_email="office@cdqxmr.demo.local",
        address="成都市武侯区武侯祠大街264号",
        intro=(
            "全市机动车清洗美容企业的社会团体。引导会员单位规范经营、节水环保，参与市容环境治理，"
            "组织会员企业交流互鉴，促进行业自律。"
        ),
        member_count=25,
        anchor_firms=("成都洁驰汽车美容服务有限公司",),
    ),
    AssociationSpec(
        sector="muck",
        name="成都市建筑垃圾（渣土）运输行业协会",
        short_name="渣土运输协会",
        uscc=uscc("51510100", "MJ011207"),
        contact_person="苟永福",
        contact_phone="028-87061493",
        contact_email="office@cdztys.demo.local",
        address="成都市双流区西航港大道二段9号",
        intro=(
            "全市建筑垃圾（渣土）运输企业的社会团体。发挥桥梁纽带作用，制定行业自律公约，规范企业经营行为；"
            "开展行业诚信建设，建立企业信用评价体系，推动渣土行业规范化、智慧化、绿色化发展。"
        ),
        member_count=32,
        anchor_firms=("成都捷达渣土运输有限公司",),
    ),
)

ASSOCIATIONS_BY_SECTOR = {spec.sector: spec for spec in ASSOCIATIONS}

# A few firms also join a second association: (from sector, to sector, how many).
CROSS_MEMBERSHIPS = (
    ("lighting", "advertising", 3),  # 亮化工程 firms also build illuminated signs
    ("sanitation", "kitchen_waste", 2),
    ("recycling", "kitchen_waste", 2),
    ("muck", "municipal", 1),
)

# --- Places --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class District:
    name: str  # as written in an address: 武侯区, 高新区
    short: str  # as written inside a firm name: 武侯, 高新
    area_code: str  # registration area of firms registered there
    roads: tuple[str, ...]


DISTRICTS: tuple[District, ...] = (
    District("锦江区", "锦江", "510104", ("红星路三段", "东大街", "总府路", "静安路", "三色路", "锦华路一段")),
    District("青羊区", "青羊", "510105", ("人民中路一段", "光华大道一段", "草市街", "青华路", "蜀辉路", "日月大道")),
    District("金牛区", "金牛", "510106", ("蜀汉路", "金府路", "沙湾路", "一品天下大街", "金丰路", "交大路")),
    District("武侯区", "武侯", "510107", ("科华北路", "武侯祠大街", "人民南路四段", "武兴一路", "簇锦北路")),
    District("成华区", "成华", "510108", ("建设路", "二仙桥东路", "府青路二段", "双林路", "崔家店路", "东三环路二段")),
    District("龙泉驿区", "龙泉驿", "510112", ("驿都大道", "龙都南路", "成龙大道二段", "北京路")),
    District("青白江区", "青白江", "510113", ("凤凰大道", "大同路", "华金大道")),
    District("新都区", "新都", "510114", ("新都大道", "蓉都大道", "北星大道", "工业大道东段")),
    District("温江区", "温江", "510115", ("柳城大道", "光华大道三段", "凤溪大道", "海科路")),
    District("双流区", "双流", "510116", ("棠湖西路", "西航港大道", "双华路", "牧华路")),
    District("郫都区", "郫都", "510117", ("望丛东路", "德源大道", "红光大道", "港通北路")),
    District("新津区", "新津", "510118", ("五津西路", "希望路", "兴园三路")),
    District("高新区", "高新", "510100", ("天府大道中段", "天府三街", "益州大道", "交子大道", "科园南路")),
)

# --- Names ---------------------------------------------------------------------------------------------------

# Common trade names (字号) of any sector.
TRADE_NAMES = (
    "天府", "锦城", "蜀都", "蓉城", "金沙", "锦官", "华西", "西蜀", "川西", "芙蓉", "宏达", "恒信", "鑫源", "博远",
    "瑞丰", "嘉禾", "德胜", "中瑞", "润泽", "兴业", "卓越", "汇通", "利民", "安达", "鸿运", "华晟", "益州", "青城",
    "蜀韵", "天宇", "万和", "众诚", "川渝", "银河", "长盛", "正和", "永兴", "协力", "东方", "祥瑞", "同创", "佳和",
)


@dataclass(frozen=True)
class SectorNames:
    first: str  # first character of a sector-flavoured trade name
    second: str  # second character
    suffixes: tuple[str, ...]  # business words + legal form


SECTOR_NAMES: dict[str, SectorNames] = {
    "lighting": SectorNames(
        "蓉锦华星天金晶欣恒益鑫辰光明", "光明辉耀亮灿彩晟阳源",
        ("照明工程有限公司", "照明科技有限公司", "光电科技有限公司", "照明电器有限公司", "灯饰有限公司",
         "亮化工程有限公司", "智能照明有限公司", "城市照明工程有限公司", "智慧灯杆科技有限公司", "照明设计有限公司"),
    ),
    "advertising": SectorNames(
        "蓉锦华天金创新艺美尚盛博", "美艺彩创意视图印标",
        ("广告传媒有限公司", "广告有限公司", "文化传媒有限公司", "标识标牌制作有限公司", "广告装饰工程有限公司",
         "户外传媒有限公司", "招牌设计制作有限公司", "广告标识工程有限公司", "品牌策划有限公司"),
    ),
    "sanitation": SectorNames(
        "蓉锦洁清净美绿安康恒新", "洁净美清绿康宁源城",
        ("环境服务有限公司", "环卫服务有限公司", "环境卫生管理有限公司", "清洁服务有限公司", "保洁服务有限公司",
         "环境工程有限公司", "城市服务有限公司", "环境治理有限公司", "市容环境服务有限公司"),
    ),
    "municipal": SectorNames(
        "蓉锦川蜀华中建通路恒", "通建达基路桥安宏盛筑",
        ("市政工程有限公司", "市政设施养护工程有限公司", "道路桥梁养护有限公司", "市政建设工程有限公司",
         "排水设施管理有限公司", "路桥工程有限公司", "市政设施维护有限公司", "管网工程有限公司"),
    ),
    "kitchen_waste": SectorNames(
        "蓉锦绿清洁环新益润丰", "绿洁环源能润清丰",
        ("餐厨废弃物处理有限公司", "环保科技有限公司", "生物能源有限公司", "油脂回收有限公司",
         "资源化利用科技有限公司", "再生能源科技有限公司", "餐厨垃圾收运有限公司", "生物科技有限公司"),
    ),
    "recycling": SectorNames(
        "蓉锦绿再循新益恒兴宝", "源绿环宝利兴回再",
        ("再生资源回收有限公司", "再生资源利用有限公司", "废旧物资回收有限公司", "循环经济科技有限公司",
         "资源回收有限公司", "再生资源开发有限公司", "物资回收有限公司", "环保资源有限公司"),
    ),
    "car_wash": SectorNames(
        "蓉锦洁车亮驰捷美快途", "洁亮驰美车途捷净",
        ("汽车美容服务有限公司", "洗车服务有限公司", "汽车服务有限公司", "汽车养护有限公司", "车业服务有限公司",
         "汽车美容有限公司", "汽车清洗服务有限公司"),
    ),
    "muck": SectorNames(
        "蓉锦捷通顺川蜀鑫恒宏运", "达通顺运畅安捷驰",
        ("渣土运输有限公司", "建筑垃圾清运有限公司", "运输有限公司", "土石方工程有限公司", "物流有限公司",
         "建筑渣土运输有限公司", "土方运输有限公司", "环保运输有限公司"),
    ),
}

# Names of people (legal representatives); the surnames include ones common in Sichuan (冉, 苟, 向 …).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范廖贾夏付方白邹孟熊秦邱江尹冉苟雷侯龙黎向"
)
GIVEN_CHARS = (
    "建国志强伟明华军平勇杰涛斌刚波辉鹏磊超飞宇浩峰亮林清文德光荣永福海东俊成秀英丽娟静敏燕芳玲红梅霞琴"
    "兰萍婷雪慧晓玉春秋云莉"
)


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN_CHARS, rng.choice((1, 2, 2, 2))))


def _trade_name(rng: random.Random, names: SectorNames) -> str:
    if rng.random() < 0.5:
        return rng.choice(TRADE_NAMES)
    while True:
        first, second = rng.choice(names.first), rng.choice(names.second)
        if first != second:
            return first + second


def _joins_badly(trade_name: str, suffix: str) -> bool:
    """“绿清” + “清洁服务…” reads as a stutter."""
    return trade_name[-1] == suffix[0]


def _place(rng: random.Random) -> tuple[str, District | None]:
    """A name prefix and, for district-prefixed names, the district the firm must sit in."""
    roll = rng.random()
    if roll < 0.40:
        return "成都", None
    if roll < 0.60:
        return "成都市", None
    if roll < 0.78:
        return "四川", None
    if roll < 0.82:
        return "四川省", None
    district = rng.choice(DISTRICTS)
    return ("成都" + district.short if district.short == "高新" else "成都市" + district.name), district


# --- Firms and memberships -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoFirm:
    name: str
    uscc: str
    legal_representative: str
    address: str
    sector: str


@dataclass(frozen=True)
class DemoMembership:
    association: str  # association name
    firm_uscc: str
    level: str
    since: date


@dataclass(frozen=True)
class DemoData:
    firms: tuple[DemoFirm, ...]
    memberships: tuple[DemoMembership, ...]

    def firm_named(self, name: str) -> DemoFirm:
        return next(f for f in self.firms if f.name == name)


class _Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)  # noqa: S311 — demo data, not security
        self.codes: set[str] = {spec.uscc for spec in ASSOCIATIONS}
        self.names: set[str] = {name for spec in ASSOCIATIONS for name in spec.anchor_firms}

    def firm_name(self, sector: str) -> tuple[str, District | None]:
        names = SECTOR_NAMES[sector]
        while True:
            prefix, district = _place(self.rng)
            trade_name, suffix = _trade_name(self.rng, names), self.rng.choice(names.suffixes)
            name = prefix + trade_name + suffix
            if name not in self.names and not _joins_badly(trade_name, suffix):
                self.names.add(name)
                return name, district

    def code(self, name: str, district: District, named_district: bool) -> str:
        """Province-registered for 四川… names; else the firm's district, or the city for some."""
        rng = self.rng
        if name.startswith("四川"):
            area = "510000"
        elif named_district or rng.random() < 0.6:
            area = district.area_code
        else:
            area = "510100"
        while True:
            if rng.random() < 0.8:  # codes issued since 2015: MA6 + serial
                body = "MA6" + "".join(rng.choice(ALPHABET) for _ in range(5))
            else:  # older organisation codes: eight digits
                body = "".join(rng.choice("0123456789") for _ in range(8))
            code = uscc("91" + area, body)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def address(self, district: District) -> str:
        rng = self.rng
        address = f"成都市{district.name}{rng.choice(district.roads)}{rng.randint(1, 999)}号"
        if rng.random() < 0.3:
            address += f"{rng.randint(1, 12)}栋{rng.randint(1, 28)}楼"
        return address

    def firm(self, sector: str, name: str | None = None) -> DemoFirm:
        district = None
        if name is None:
            name, district = self.firm_name(sector)
        named_district = district is not None
        district = district or self.rng.choice(DISTRICTS)
        return DemoFirm(
            name=name,
            uscc=self.code(name, district, named_district),
            legal_representative=person_name(self.rng),
            address=self.address(district),
            sector=sector,
        )

    def since(self, start_year: int) -> date:
        start, end = date(start_year, 1, 1), date(2024, 12, 31)
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))


@cache
def demo_data() -> DemoData:
    """All demo firms and memberships; the same on every call and every run."""
    gen = _Generator(SEED)
    firms: list[DemoFirm] = []
    memberships: list[DemoMembership] = []
    members_by_sector: dict[str, list[DemoFirm]] = {}
    for spec in ASSOCIATIONS:
        batch = [gen.firm(spec.sector, name) for name in spec.anchor_firms]
        batch += [gen.firm(spec.sector) for _ in range(spec.member_count - len(batch))]
        vice = gen.rng.randint(3, 5)
        council = gen.rng.randint(5, 8)
        for index, firm in enumerate(batch):
            if index == 0:
                level, since = PRESIDENT, gen.since(2012)
            elif index <= vice:
                level, since = VICE_PRESIDENT, gen.since(2013)
            elif index <= vice + council:
                level, since = COUNCIL, gen.since(2014)
            else:
                level, since = MEMBER, gen.since(2015)
            memberships.append(DemoMembership(spec.name, firm.uscc, level, since))
        firms += batch
        members_by_sector[spec.sector] = batch
    for source, target, count in CROSS_MEMBERSHIPS:
        # Never the fixed (anchor) firms: the demo firm user's firm stays in one association.
        candidates = [f for f in members_by_sector[source] if f.name not in ASSOCIATIONS_BY_SECTOR[source].anchor_firms]
        for firm in gen.rng.sample(candidates, count):
            memberships.append(
                DemoMembership(ASSOCIATIONS_BY_SECTOR[target].name, firm.uscc, MEMBER, gen.since(2019))
            )
    return DemoData(firms=tuple(firms), memberships=tuple(memberships))
