"""Name pools for generated ledgers: people, places, buildings and units.

Generated ledgers should read like the Excel ledgers an organisation department
keeps (台账), so names are built from common Chinese surnames, given-name
characters, place words and the naming patterns of streets, communities,
compounds, firms and agencies. Everything here is fake; member names are
personal data in form only. Every function draws from the ``random.Random`` it
is given, so a seed fixes every name.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable
from itertools import accumulate

__all__ = ["Namer", "person_name"]

# The hundred-odd commonest surnames, roughly by frequency (weights fall off).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
_SURNAME_CUM = list(accumulate(1.0 / (1 + i * 0.08) for i in range(len(SURNAMES))))
GIVEN_MALE = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
GIVEN_FEMALE = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"

# Two-character place words: auspicious, historical and river-side names.
PLACE_WORDS = (
    "东风 胜利 解放 红星 建设 和平 幸福 光明 新华 人民 朝阳 长江 荆江 江汉 楚都 园林 文化 青年 学院 白云 "
    "金龙 滨江 桃花 杏林 紫荆 太湖 关沮 凤凰 北湖 南湖 龙山 锦绣 民主 康乐 团结 花园 红光 前进 友谊 复兴 "
    "新村 中山 崇文 立新 联合 三板 梅台 红门 塔桥 便河 洪垸 北京 江津 西湖 东岳 九龙 荆北 荆南 荆东 荆西 "
    "草市 纪南 郢城 李埠 弥市 岑河 观音 锣场 马山 川店 八岭 太晖 御河 护城 碧湖 金凤 银湖 翠湖 玉桥 宝塔 "
    "天鹅 白鹭 黄鹤 长湖 青龙 卧龙 盘龙 双龙 丰收 永丰 东升 向阳 晨光 曙光 春晖 秋实 金桂 丹桂 香樟 紫薇 "
    "海棠 翠竹 松林 柳林 荷花 芙蓉 杨柳 清河 清泉 石桥 新桥 五一 八一 红旗 铁东 辽河 双盛 兴隆 振兴 富民 "
    "安居 乐业 和谐 文明 南浦 北门 东门 西门 章华 沙隆 洪湖 石首 松滋 公安 监利 江陵 湖滨 港湾 码头 渡口"
).split()
STREET_SUFFIX = ("路", "街", "巷", "大道", "")
COMMUNITY_SUFFIX = ("", "", "路", "街", "苑", "湾", "桥", "园", "里", "坊")
COMPOUND_SUFFIX = (
    "小区 花园 家园 新村 公寓 华府 雅居 嘉园 名都 苑 佳苑 御景 国际 新城 春天 丽景 世家 学府 "
    "还建小区 安置小区 宿舍 城 府"
).split()
GROUP_NUMS = "一二三四五六七八九十"
COMMERCIAL = ("大厦", "国际中心", "商务中心", "金融大厦", "写字楼", "广场", "财富中心", "总部大楼")
MARKET = ("农贸市场", "商业步行街", "批发市场", "商圈", "购物中心", "建材市场", "小商品市场")
PARK = ("科技产业园", "工业园", "创业园", "电商产业园", "物流园", "高新技术产业园", "智造园")
AGENCIES = (
    "财政局 税务局 住房和城乡建设局 民政局 教育局 公安分局 市场监督管理局 人力资源和社会保障局 "
    "自然资源和规划局 生态环境局 交通运输局 水利和湖泊局 农业农村局 商务局 文化和旅游局 卫生健康委员会 "
    "退役军人事务局 应急管理局 审计局 统计局 医疗保障局 城市管理执法局 信访局 司法局 发展和改革局 "
    "科学技术局 经济和信息化局 人民法院 人民检察院 总工会 团委 妇女联合会 工商业联合会 档案馆 "
    "机关事务服务中心 政务服务和大数据管理局 行政审批局 林业局 粮食和物资储备局 供销合作社 残疾人联合会"
).split()
INSTITUTIONS = (
    "疾病预防控制中心 图书馆 融媒体中心 不动产登记中心 社会福利院 公共资源交易中心 文化馆 博物馆 "
    "住房公积金管理中心 城乡规划设计院 水文水资源中心 农业技术推广中心 退役军人服务中心 社会保险服务中心 "
    "妇幼保健院 急救中心 气象局 防汛抗旱指挥中心 市政工程管理处 园林绿化中心"
).split()
SCHOOLS = (
    "实验小学",
    "第一中学",
    "第二中学",
    "实验中学",
    "职业技术学校",
    "特殊教育学校",
    "中心小学",
    "幼儿园",
)
HOSPITALS = (
    "人民医院",
    "中医医院",
    "第一人民医院",
    "第二人民医院",
    "精神卫生中心",
    "社区卫生服务中心",
)
SOES = (
    "城市建设投资开发有限公司 水务集团有限公司 公交集团有限公司 交通投资集团有限公司 供电公司 燃气有限公司 "
    "国有资产经营有限公司 文化旅游投资有限公司 农业发展投资有限公司 粮食储备有限公司 自来水公司 "
    "城市运营管理有限公司 产业投资集团有限公司 烟草专卖局（公司）"
).split()
SOE_NATIONAL = (
    "国网{c}供电公司",
    "中国移动{c}分公司",
    "中国电信{c}分公司",
    "中国联通{c}分公司",
    "中国工商银行{c}分行",
    "中国农业银行{c}分行",
    "中国建设银行{c}分行",
    "中国邮政{c}分公司",
    "中国石化{c}石油分公司",
    "中国人寿{c}分公司",
)
BRANDS = (
    "华瑞 鑫源 恒通 中天 宏达 金诚 博远 瑞丰 天翼 隆盛 安泰 汇通 佳和 永信 华康 新宇 顺达 嘉禾 "
    "立信 鼎盛 创新 盛世 卓越 明德 联创 凯达 润泽 天成 华宇 远航 合力 众诚 振华 恒昌 荣华 海川 "
    "亿达 同心 兴业 百川 金桥 锦程 楚天 江南 长源 荆楚 聚力 德润 诚信 万家 银河 蓝天"
).split()
INDUSTRIES = (
    "科技 电子 建材 物流 商贸 餐饮管理 医药 机械制造 纺织 食品 汽车零部件 文化传媒 网络科技 新能源 "
    "化工 服饰 装饰工程 农业发展 生物科技 环保科技 信息技术 电气 石油装备 教育咨询 家政服务 建筑工程 "
    "印务 酒店管理 水产 光电"
).split()
SOCIAL = (
    "志愿者协会 社会工作服务中心 居家养老服务中心 个体劳动者协会 商会 律师协会 公益服务中心 慈善会 "
    "青少年发展服务中心 邻里互助会 老年人协会 文体协会 心理咨询服务中心 残疾人康复服务中心 "
    "物业管理协会 餐饮行业协会 快递行业协会 红十字会 义工联合会 家庭教育促进会"
).split()
PROPERTY_SUFFIX = ("物业服务有限公司", "物业管理有限公司", "物业服务有限责任公司")


def person_name(rng: random.Random, female: bool) -> str:
    """A common-looking full name: surname plus one or two given-name characters."""
    surname = SURNAMES[bisect(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1])]
    pool = GIVEN_FEMALE if female else GIVEN_MALE
    if rng.random() < 0.3:
        return surname + rng.choice(pool)
    return surname + rng.choice(pool) + rng.choice(pool)


class Namer:
    """Names that stay unique within a ledger (a scope, when one is given), so that a
    reference by name finds one entity."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[tuple[str, str]] = set()

    def unique(self, make: Callable[[], str], fallback: str, scope: str = "") -> str:
        """``make()`` until a name new in ``scope`` comes up; else a numbered fallback."""
        for _ in range(12):
            name = make()
            if (scope, name) not in self.used:
                self.used.add((scope, name))
                return name
        n = 2
        while (scope, f"{fallback}{n}") in self.used:
            n += 1
        self.used.add((scope, f"{fallback}{n}"))
        return f"{fallback}{n}"

    def word(self) -> str:
        return self.rng.choice(PLACE_WORDS)

    def district(self) -> str:
        return self.unique(lambda: self.word() + self.rng.choice(("区", "县", "市")), "新区")

    # Streets, communities, compounds and buildings have names unique in the whole
    # ledger, not only in their district: a form names a community by its name alone
    # (网格台账's 所属社区, 双报到's 报到社区), so two of one name could not be told apart.

    def street(self, town: bool) -> str:
        if town:
            return self.unique(lambda: self.word() + "镇", "新区镇")
        return self.unique(lambda: self.word() + "街道", "新区街道")

    def community(self, village: bool) -> str:
        rng = self.rng
        if village:
            return self.unique(lambda: self.word() + "村", "新农村")
        return self.unique(lambda: self.word() + rng.choice(COMMUNITY_SUFFIX) + "社区", "新区社区")

    def compound(self) -> str:
        return self.unique(lambda: self.word() + self.rng.choice(COMPOUND_SUFFIX), "新建小区")

    def road(self) -> str:
        return self.word() + self.rng.choice(STREET_SUFFIX[:-1])

    def numbered(self, prefix: str, number: int, suffix: str = "号楼") -> str:
        """``prefix``, the first number from ``number`` that gives a building name not yet
        used, and ``suffix`` (富民路24号楼): no draw from the random generator."""
        while ("building", f"{prefix}{number}{suffix}") in self.used:
            number += 1
        self.used.add(("building", f"{prefix}{number}{suffix}"))
        return f"{prefix}{number}{suffix}"

    def new_domain(self, kind: str) -> str:
        pool = {"commercial": COMMERCIAL, "market": MARKET, "park": PARK}[kind]
        return self.unique(lambda: self.word() + self.rng.choice(pool), "新兴楼宇")

    def unit(self, kind: str, district: str, city: str) -> str:
        """A unit name in the style its kind uses (机关, 事业单位, 企业, 社会组织...)."""
        rng = self.rng
        short_city = city.removesuffix("市")
        makers = {
            "agency": lambda: rng.choice((city, district)) + rng.choice(AGENCIES),
            "institution": lambda: rng.choice((city, district)) + rng.choice(INSTITUTIONS),
            "school": lambda: rng.choice((city, district)) + rng.choice(SCHOOLS),
            "hospital": lambda: rng.choice((city, district)) + rng.choice(HOSPITALS),
            "soe": lambda: (
                rng.choice(SOE_NATIONAL).format(c=rng.choice((short_city, district)))
                if rng.random() < 0.35
                else rng.choice((city, district)) + rng.choice(SOES)
            ),
            "private": lambda: (
                (rng.choice((short_city, "湖北", "")) + rng.choice(BRANDS) + rng.choice(INDUSTRIES))
                + "有限公司"
            ),
            "social": lambda: rng.choice((district, short_city, self.word())) + rng.choice(SOCIAL),
            "property": lambda: (
                rng.choice((short_city, "")) + rng.choice(BRANDS) + rng.choice(PROPERTY_SUFFIX)
            ),
        }
        fallback = {"agency": f"{district}机关单位", "private": f"{short_city}新创有限公司"}
        return self.unique(makers[kind], fallback.get(kind, f"{district}单位"))
