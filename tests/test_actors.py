"""Who acts, and what is proposed: one table of short sentences per failure class of #16.

Each row is (title, source, body) → the expected (region, term, kind) adoptions; the
sentences are written for these tests in the shapes committee news uses.
"""

from __future__ import annotations

import pytest

from zxkg.ingest.link import Context, extract
from zxkg.ingest.models import Source
from zxkg.ingest.parse import parse

KIND = {"adopts": "mechanism", "runs": "brand"}


def adoptions(ctx: Context, title: str, source: str, body: str) -> set[tuple[str, str, str]]:
    data = f"title: {title}\nsource: {source}\n---\n{body}\n".encode()
    ex = extract(parse(Source("t.txt", "t.txt", data)), ctx)
    return {(r.subject.name, r.object.name, KIND[r.predicate]) for r in ex.relations if r.predicate in KIND}


def documents(ctx: Context, title: str, source: str, body: str) -> set[tuple[str, str]]:
    data = f"title: {title}\nsource: {source}\n---\n{body}\n".encode()
    ex = extract(parse(Source("t.txt", "t.txt", data)), ctx)
    return {(r.subject.name, r.object.name) for r in ex.relations if r.predicate == "issues"}


CASES = [
    # a1: the home committee acts where nobody else is said to (masthead, title, source line, 我县)
    pytest.param(
        "望城区政协年度工作回顾",
        "政协长沙市望城区委员会",
        "在中共望城区委的领导下,区政协稳步推进各项工作;去年,“湖畔议事”“民声快线”等履职品牌多次被推介。",
        {("望城区", "湖畔议事", "brand"), ("望城区", "民声快线", "brand")},
        id="a1-home-from-masthead-and-title",
    ),
    pytest.param(
        "县政协开展履职活动",
        "宁乡新闻网",
        "长沙市宁乡市政协组织委员开展“百名委员进百村”活动。",
        {("宁乡市", "百名委员进百村", "brand")},
        id="a1-named-committee-beats-home",
    ),
    # a2: a visit: what the visitors see belongs to the host, never to the visitor
    pytest.param(
        "龙山县政协赴保靖县学习",
        "保靖县人民政府网",
        "日前,湘西州龙山县政协组织委员赴保靖县学习基层协商经验,保靖县政协负责同志陪同。"
        "一行人参观了“酉水议事坊”协商室,听取了“茶乡助农”专项行动情况介绍,对保靖县在村一级建起协商驿站的做法给予肯定。",
        {
            ("保靖县", "酉水议事坊", "mechanism"),
            ("保靖县", "茶乡助农", "brand"),
            ("保靖县", "协商驿站", "mechanism"),
        },
        id="a2-visit-host-owns",
    ),
    pytest.param(
        "大理州政协赴曲靖市学习考察",
        "",
        "大理州政协考察组赴曲靖市政协学习基层协商工作,曲靖市政协负责同志陪同。"
        "考察组先后到陆良县、罗平县协商议事室参观学习。",
        {
            ("陆良县", "协商议事室", "mechanism"),
            ("罗平县", "协商议事室", "mechanism"),
            ("曲靖市", "协商议事室", "mechanism"),
        },
        id="a2-host-shows-its-counties",
    ),
    # 县委员之家 is a county's members' house, not 县委 (another body) acting in the sentence
    pytest.param(
        "临湘市政协学习考察",
        "",
        "临湘市政协考察组赴汨罗市考察学习。考察组先后参观了汨罗市委员之家、屈原委员工作室。",
        {("汨罗市", "委员之家", "mechanism"), ("汨罗市", "委员工作室", "mechanism")},
        id="a2-county-members-are-no-other-body",
    ),
    # an exchange: what each committee presents (介绍了“…”经验/做法) is its own, a visitor's too
    pytest.param(
        "华容县政协开展交流",
        "",
        "华容县政协邀请平江县政协来华容交流,平江县政协介绍了“平江有约”经验,华容县政协介绍了“华容议事”做法。",
        {("平江县", "平江有约", "brand"), ("华容县", "华容议事", "brand")},
        id="a2-each-presents-its-own",
    ),
    # a later leg of the visit (考察团深入X区) keeps the visitors of the visit that frames it
    pytest.param(
        "株洲市政协学习考察",
        "",
        "株洲市政协考察团赴浙江省湖州市学习考察。考察团深入湖州市吴兴区,学习“吴兴议事堂”经验。",
        {("吴兴区", "吴兴议事堂", "mechanism")},
        id="a2-later-leg-of-a-visit",
    ),
    pytest.param(
        "株洲市政协赴湘潭市学习考察",
        "",
        "株洲市政协调研组赴湘潭市学习考察“潭事好商量”工作。大家表示,回去后将结合株洲实际,推进“株事好商量”品牌。",
        {("湘潭市", "潭事好商量", "brand"), ("株洲市", "株事好商量", "brand")},
        id="a2-visitor-owns-what-it-will-do",
    ),
    # a3: level and collective committees, through the division table
    pytest.param(
        "涿州市政协推进委员联络站建设",
        "涿州市人民政府网",
        "省政协部署推进的“协商进万家”行动在涿州落地见效,涿州市政协在各乡镇建成委员联络站12个。"
        "放眼全省,各级政协累计建起委员联络站上千个。",
        {
            ("河北省", "协商进万家", "brand"),
            ("涿州市", "协商进万家", "brand"),
            ("涿州市", "委员联络站", "mechanism"),
            ("河北省", "委员联络站", "mechanism"),
        },
        id="a3-province-never-named",
    ),
    pytest.param(
        "桃江县政协召开常委会议",
        "",
        "桃江县政协召开常委会议。会议学习了市政协“请你来协商”平台建设经验。",
        {("益阳市", "请你来协商", "brand")},
        id="a3-city-of-a-county",
    ),
    # a3: 市县两级政协 in a city's article: the city, though its counties are named nowhere
    pytest.param(
        "常德市政协工作",
        "常德日报",
        "市县两级政协联动推进“有事好商量”协商议事室建设。",
        {("常德市", "有事好商量", "mechanism"), ("常德市", "协商议事室", "mechanism")},
        id="a3-two-levels-of-a-city",
    ),
    # a4: the launching committee and each county own the counties' programmes
    pytest.param(
        "邵阳市政协推进协商品牌建设",
        "",
        "邵阳市政协着力培育县级子品牌,先后推出邵东“邵事好商”、武冈“武冈议事”等协商品牌。",
        {
            ("邵东市", "邵事好商", "brand"),
            ("武冈市", "武冈议事", "brand"),
            ("邵阳市", "邵事好商", "brand"),
            ("邵阳市", "武冈议事", "brand"),
        },
        id="a4-parent-and-county",
    ),
    # a5: a gap of quantities does not cut the owner off; an owner after the term
    pytest.param(
        "晋中市政协调研",
        "晋中市政协",
        "市政协组织委员先后走访榆次区、介休市等2个县区的20余个协商议事室。全市政协系统着力擦亮“晋享协商”这张山西名片。",
        {
            ("榆次区", "协商议事室", "mechanism"),
            ("介休市", "协商议事室", "mechanism"),
            ("山西省", "晋享协商", "brand"),
            ("晋中市", "晋享协商", "brand"),
        },
        id="a5-gap-and-owner-after",
    ),
    # a5: a body in whose house the institution stands does not cut its region off
    pytest.param(
        "宝鸡市政协召开现场会",
        "",
        "与会人员先后参观了凤翔区果业协会委员工作室、岐山县第二中学委员联络站。",
        {("凤翔区", "委员工作室", "mechanism"), ("岐山县", "委员联络站", "mechanism")},
        id="a5-gap-of-a-body",
    ),
    # a4: in an overview of a committee system, a county that opens a clause and acts there
    # (其中宁远县建成…, 道县也推出…) is the one acting, not the whole system
    pytest.param(
        "永州市政协工作综述",
        "",
        "全市各级政协积极推进“请你来协商”平台建设,其中宁远县建成协商议事室23个,道县也推出了“道县有约”品牌。",
        {("永州市", "请你来协商", "brand"), ("宁远县", "协商议事室", "mechanism"), ("道县", "道县有约", "brand")},
        id="a4-county-opens-its-clause",
    ),
    # a4: regions listed and closed by one 政协 are each a committee
    pytest.param(
        "江西省政协召开会议",
        "",
        "会议指出,赣州市、吉安市等地政协在推进“赣事好商量”工作中积累了好经验。",
        {("赣州市", "赣事好商量", "brand"), ("吉安市", "赣事好商量", "brand")},
        id="a4-listed-committees",
    ),
    # a6: 在X, opening a sentence of an overview says where its work is done
    pytest.param(
        "湖南省政协工作综述",
        "",
        "在长沙,市政协推出“星城协商”品牌;在株洲,“株事好商量”协商品牌已覆盖全市。",
        {("长沙市", "星城协商", "brand"), ("株洲市", "株事好商量", "brand")},
        id="a6-place-opens-sentence",
    ),
    # a4: regions listed before one 政协 share it; 分别 gives each its own quote
    pytest.param(
        "邵阳市政协召开现场推进会",
        "",
        "会上,隆回县、洞口县政协作典型发言,分别介绍了“隆回议事”“洞口有约”的经验做法。"
        "新邵县和邵东市政协联合开展“两地同心”活动。",
        {
            ("隆回县", "隆回议事", "brand"),
            ("洞口县", "洞口有约", "brand"),
            ("新邵县", "两地同心", "brand"),
            ("邵东市", "两地同心", "brand"),
        },
        id="a4-committees-listed-before-one-zhengxie",
    ),
    # a3: towns have no committee: 各乡镇政协联络组 are the county committee's own organs
    pytest.param(
        "苍南县政协推进基层协商",
        "",
        "苍南县政协召开会议。各乡镇政协联络组积极开展“协商在一线”活动。",
        {("苍南县", "协商在一线", "brand")},
        id="a3-town-organs-are-the-county",
    ),
    # a4: two committees joined by 与 act together
    pytest.param(
        "张家界市政协工作",
        "",
        "张家界市政协与慈利县政协联合开展“协商进山乡”活动。",
        {("张家界市", "协商进山乡", "brand"), ("慈利县", "协商进山乡", "brand")},
        id="a4-committees-joined-by-yu",
    ),
    # a6: the most specific region of a chain
    pytest.param(
        "晋中政协走笔",
        "新华网",
        "在晋中榆次区,区政协把“榆悦议事”协商品牌搬进了社区服务中心。",
        {("榆次区", "榆悦议事", "brand")},
        id="a6-most-specific",
    ),
]

CANDIDATES = [
    # b1: unquoted institutions outside a fixed vocabulary
    pytest.param(
        "瓦房店市政协开展委员述职评议",
        "",
        "瓦房店市政协全面开展委员述职评议,每月设立委员值班日,并牵头组建沿海五县政协主席联席会议。",
        {
            ("瓦房店市", "委员述职评议", "mechanism"),
            ("瓦房店市", "委员值班日", "mechanism"),
            ("瓦房店市", "沿海五县政协主席联席会议", "mechanism"),
        },
        id="b1-institutions",
    ),
    # b1: a system after 执行, and one named right after its committee (no verb written)
    pytest.param(
        "古丈县政协召开提案交办会",
        "",
        "县政协主席要求,县政协各专委会要严格执行提案跟踪督办制度。",
        {("古丈县", "提案跟踪督办制度", "mechanism")},
        id="b1-system-executed",
    ),
    pytest.param(
        "两地政协召开研讨会",
        "",
        "在随后召开的重庆市永川区政协·四川省泸州市泸县政协联合视察机制建设研讨会上,两地政协交流了经验。",
        {("永川区", "联合视察机制", "mechanism"), ("泸县", "联合视察机制", "mechanism")},
        id="b1-system-after-its-committees",
    ),
    # b1: a points scheme written 积分制
    pytest.param(
        "邵东市政协工作综述",
        "",
        "邵东市政协探索建立委员履职积分制,在全市推开。",
        {("邵东市", "委员履职积分制", "mechanism")},
        id="b1-points-scheme",
    ),
    # b2: enumerations before a numbered collective and closed by a count
    pytest.param(
        "凤冈县政协推进基层协商",
        "",
        "凤冈县政协先后开通界别协商、网络协商、院坝协商三个协商子平台。",
        {("凤冈县", "界别协商", "mechanism"), ("凤冈县", "网络协商", "mechanism"), ("凤冈县", "院坝协商", "mechanism")},
        id="b2-list-closed-by-count",
    ),
    # b3: quoted names without a head owned by a committee; region-led siblings
    pytest.param(
        "贵州政协巡礼",
        "新华网",
        "贵州省政协2024年“黔行履职”采风团近日出发。遵义市政协指导各县培育子品牌,目前已有湄潭“湄好商量”、凤冈“凤鸣协商”等一批县级协商品牌。",
        {
            ("贵州省", "黔行履职", "brand"),
            ("湄潭县", "湄好商量", "brand"),
            ("凤冈县", "凤鸣协商", "brand"),
            ("遵义市", "湄好商量", "brand"),
            ("遵义市", "凤鸣协商", "brand"),
        },
        id="b3-quoted-without-head",
    ),
    # b3: a quote the committee takes up as the carrier of its work (以“…”为抓手, 把“…”作为…品牌)
    pytest.param(
        "娄底市政协推进基层协商",
        "",
        "娄底市政协以“娄事好商量”为抓手推动协商向基层延伸。新化县政协把“梅山议事”作为履职品牌。",
        {("娄底市", "娄事好商量", "brand"), ("新化县", "梅山议事", "brand")},
        id="b3-quote-as-carrier",
    ),
    # a committee's own organs (机关党支部) are no other body
    pytest.param(
        "永兴县政协机关建设",
        "",
        "永兴县政协深入推进机关党支部“两学两比”评价。",
        {("永兴县", "两学两比", "mechanism")},
        id="b3-own-organ-is-no-other-body",
    ),
    # b3: a list opened by a colon after its verb and head (打造特色品牌:A区“…”、B市“…”)
    pytest.param(
        "益阳市政协工作综述",
        "",
        "各区县(市)政协积极打造特色品牌:赫山区“赫山有约”、沅江市“沅江议事”。",
        {("赫山区", "赫山有约", "brand"), ("沅江市", "沅江议事", "brand")},
        id="b3-list-after-colon",
    ),
    # b4: a partly quoted name is one name
    pytest.param(
        "庄河市政协工作综述",
        "",
        "庄河市政协的“智”汇协商、“码上”议事两个工作品牌深受群众欢迎。",
        {("庄河市", "智汇协商", "brand"), ("庄河市", "码上议事", "brand")},
        id="b4-partly-quoted",
    ),
    # b5: traditional text with pinyin glosses
    pytest.param(
        "介休市政協委員走訪基層",
        "",
        "介休市政協在村級建成協(xié)商議(yì)事室12個。",
        {("介休市", "协商议事室", "mechanism")},
        id="b5-glosses",
    ),
    # a4: 两地政协 in the sentence after the two committees are named: both of them
    pytest.param(
        "两地政协签署合作协议",
        "",
        "南岸区政协主席与邛崃市政协主席签署合作协议。两地政协将轮流牵头召开联合协商议政会。",
        {("南岸区", "联合协商议政会", "mechanism"), ("邛崃市", "联合协商议政会", "mechanism")},
        id="a4-both-committees-of-the-sentence-before",
    ),
    # b6: 作为 is not a purpose
    pytest.param(
        "平遥县政协专刊",
        "",
        "平遥县政协作为“四联四进”工作法的首创单位,在全县推开这一做法。",
        {("平遥县", "四联四进", "mechanism")},
        id="b6-not-a-purpose",
    ),
]

NOTHING = [
    # a visitor never owns what it saw
    pytest.param(
        "龙山县政协赴保靖县学习", "", "龙山县政协赴保靖县考察“酉水议事坊”协商室。", "龙山县", id="visitor-owns-nothing"
    ),
    # a city that only visits its counties' rooms does not own them
    pytest.param("", "", "晋中市政协组织委员走访榆次区、介休市的协商议事室。", "晋中市", id="studier-owns-nothing"),
    # the visitor's own province over the host's counties is no host
    pytest.param(
        "曲靖市政协赴陆良县考察",
        "",
        "曲靖市政协考察组赴陆良县、罗平县考察,先后到陆良县、罗平县协商议事室参观学习。",
        "曲靖市",
        id="visitor-parent-owns-nothing",
    ),
    # no committee named anywhere: 我省 is the province, not its committee
    pytest.param("", "江苏政协网", "我省大运河文化带建设应注重“八个着力点”。", "江苏省", id="no-committee-no-actor"),
    # a region that opens a clause is seen, not acting, inside a visit
    pytest.param(
        "郴州市政协赴永州市考察",
        "",
        "郴州市政协考察组赴永州市考察学习,其中宁远县建成的协商议事室给考察组留下深刻印象。",
        "郴州市",
        id="visit-region-clause-is-host",
    ),
    # 以“…”为引领/为主题 cites a line or names a subject: no carrier
    pytest.param(
        "郴州市政协召开会议",
        "",
        "郴州市政协坚持以“协商于民、协商为民”为主题,以“两个维护”为引领。",
        "",
        id="theme-is-no-carrier",
    ),
    # “…”工作理念 is a style phrase: 工作 does not make it a programme
    pytest.param(
        "瑞安市政协召开会议", "", "瑞安市政协坚持“三服务”工作理念。", "瑞安市", id="work-philosophy-is-a-slogan"
    ),
    # many committees of counties still name nobody
    pytest.param("", "", "温州市政协召开会议,各县政协要开展“协商在一线”活动。", "", id="county-plural-names-nobody"),
    # what a committee supervises or supports, or another body runs, is not the committee's
    pytest.param(
        "望城区政协开展民主监督",
        "",
        "区政协委员积极参与“清水护河”行动,监督落实“十年禁渔”。",
        "望城区",
        id="supported-programmes-are-not-its-own",
    ),
    pytest.param(
        "长沙县政协视察",
        "",
        "长沙县政协组织委员视察县政府推行的“一网快办”改革,县审批局介绍了“一事一次办”工作情况,"
        "委员们还察看了区城管局“城管进小区”活动。",
        "长沙县",
        id="another-bodys-programmes",
    ),
    # a county that opens a clause outside an overview of committees is not a committee acting
    pytest.param(
        "长沙市政协调研",
        "",
        "市政协调研组指出,长沙县推出“一网快办”改革,成效明显。",
        "长沙县",
        id="county-outside-an-overview",
    ),
    # a system after the national committee or many committees is nobody's here
    pytest.param(
        "古丈县政协召开常委会议", "", "会议学习了全国政协委员履职积分制度实施细则。", "", id="national-system-nobodys"
    ),
    # many committees at once name nobody
    pytest.param(
        "", "", "叶海燕在听取各县(市、区)政协主席发言后指出,各县政协要打造“书香政协”。", "", id="plural-names-nobody"
    ),
]


# a4: several owners for one clause: every region of a plain list that acts (A县、B县等县区还探索了“…”;
# A县、B县和C区政协分别推出…; A市、B市两地政协…), each with the relation; a list of regions that are only
# visited, compared, or named as where attendees come from does not act
LISTED_OWNERS = [
    pytest.param(
        "安康市政协工作综述",
        "",
        "安康市政协持续深化基层协商,汉阴县、石泉县等县区还探索了“院落议事”协商模式。",
        {("汉阴县", "院落议事", "mechanism"), ("石泉县", "院落议事", "mechanism")},
        id="a4-list-closed-by-kind-acts",
    ),
    pytest.param(
        "安康市政协推进基层协商",
        "",
        "紫阳县、岚皋县和平利县等3个县建成“院坝有约”协商议事室60余个。",
        {
            (county, term, "mechanism")
            for county in ("紫阳县", "岚皋县", "平利县")
            for term in ("院坝有约", "协商议事室")
        },
        id="a4-list-closed-by-count-opens-sentence",
    ),
    pytest.param(
        "宝鸡市政协推进协商品牌建设",
        "",
        "岐山县以及扶风县分别推出“岐山夜话”“扶风有约”协商品牌。",
        {("岐山县", "岐山夜话", "brand"), ("扶风县", "扶风有约", "brand")},
        id="a4-list-respectively-each-its-own",
    ),
    pytest.param(
        "安康市政协工作",
        "",
        "石泉县、宁陕县和汉滨区政协分别推出“协商在院落”品牌。",
        {("石泉县", "协商在院落", "brand"), ("宁陕县", "协商在院落", "brand"), ("汉滨区", "协商在院落", "brand")},
        id="a4-committees-listed-respectively-one-term",
    ),
    pytest.param(
        "两地政协开展联合协商",
        "",
        "遂宁市、内江市两地政协联合开展“沱江同护”行动。",
        {("遂宁市", "沱江同护", "brand"), ("内江市", "沱江同护", "brand")},
        id="a4-two-places-committees",
    ),
    pytest.param(
        "安康市政协工作",
        "",
        "目前,汉阴县、石泉县两地均已建成“院落议事”协商议事室。",
        {(county, term, "mechanism") for county in ("汉阴县", "石泉县") for term in ("院落议事", "协商议事室")},
        id="a4-two-places-after-a-time",
    ),
    pytest.param(
        "安康市政协工作综述",
        "",
        "全市政协系统推进“协商在一线”活动,其中汉阴县、石泉县还率先推出委员值班日。",
        {
            ("安康市", "协商在一线", "brand"),
            ("汉阴县", "委员值班日", "mechanism"),
            ("石泉县", "委员值班日", "mechanism"),
        },
        id="a4-list-in-an-overview-unquoted",
    ),
    pytest.param(
        "安康市政协召开推进会",
        "",
        "会上,汉阴县、石泉县等县区政协及市政协机关分别介绍了“院落协商”经验。",
        {("汉阴县", "院落协商", "brand"), ("石泉县", "院落协商", "brand"), ("安康市", "院落协商", "brand")},
        id="a4-listed-committees-and-the-city-joined-by-ji",
    ),
    pytest.param(
        "安康市政协工作",
        "",
        "省政协部署的“协商进院落”行动在汉阴县、石泉县等地落地见效。",
        {("陕西省", "协商进院落", "brand"), ("汉阴县", "协商进院落", "brand"), ("石泉县", "协商进院落", "brand")},
        id="a4-owners-listed-after-the-term",
    ),
    pytest.param(
        "两地政协签署协议",
        "",
        "遂宁市、内江市两地政协签署合作协议。两地政协将联合开展“沱江同护”行动。",
        {("遂宁市", "沱江同护", "brand"), ("内江市", "沱江同护", "brand")},
        id="a4-two-places-named-in-the-sentence-before",
    ),
    pytest.param(
        "陕南政协协作会召开",
        "",
        "会上,汉中市、安康市两市政协共同发布“秦巴协商”品牌。",
        {("汉中市", "秦巴协商", "brand"), ("安康市", "秦巴协商", "brand")},
        id="a4-two-cities-committees",
    ),
    pytest.param(
        "安康市政协工作综述",
        "",
        "在汉阴县、石泉县等地,“院落议事”协商议事室已实现村级全覆盖。",
        {(county, term, "mechanism") for county in ("汉阴县", "石泉县") for term in ("院落议事", "协商议事室")},
        id="a4-places-listed-open-the-sentence",
    ),
    pytest.param(
        "安康市政协工作综述",
        "",
        "汉阴县、石泉县各建成“院落议事”协商议事室10个。",
        {(county, term, "mechanism") for county in ("汉阴县", "石泉县") for term in ("院落议事", "协商议事室")},
        id="a4-list-each-builds",
    ),
    pytest.param(
        "安康市政协工作综述",
        "",
        "2023年以来汉阴县、石泉县在全市率先推出“院落夜话”协商品牌。",
        {("汉阴县", "院落夜话", "brand"), ("石泉县", "院落夜话", "brand")},
        id="a4-list-after-a-year-acts-somewhere",
    ),
    pytest.param(
        "安康市政协工作综述",
        "",
        "安康市政协推进基层协商。汉阴、石泉等县区还探索了“院落议事”协商模式。",
        {("汉阴县", "院落议事", "mechanism"), ("石泉县", "院落议事", "mechanism")},
        id="a4-list-of-short-forms",
    ),
    pytest.param(
        "汉阴县政协开展联合协商",
        "",
        "汉阴县、石泉县联合开展“汉江两岸”协商活动。",
        {("汉阴县", "汉江两岸", "brand"), ("石泉县", "汉江两岸", "brand")},
        id="a4-home-with-its-peer",
    ),
    pytest.param(
        "安康市政协工作综述",
        "",
        "汉阴县、石泉县等县区相继建成委员工作室,形成了“院落议事”协商模式。",
        {(county, term, "mechanism") for county in ("汉阴县", "石泉县") for term in ("委员工作室", "院落议事")},
        id="a4-list-opens-an-earlier-clause",
    ),
    pytest.param(
        "安康市政协工作综述",
        "",
        "汉阴县、石泉县等县区相继建成委员工作室,市政协推出了“院落议事”协商品牌。",
        {("汉阴县", "委员工作室", "mechanism"), ("石泉县", "委员工作室", "mechanism"), ("安康市", "院落议事", "brand")},
        id="a4-list-then-a-committee-of-a-later-clause",
    ),
    # in a visit, a list of the host's counties shows each county's own work
    pytest.param(
        "安康市政协赴宝鸡市学习考察",
        "",
        "安康市政协考察组赴宝鸡市学习考察。岐山县、扶风县等县区还探索了“院坝夜谈”协商模式。",
        {("岐山县", "院坝夜谈", "mechanism"), ("扶风县", "院坝夜谈", "mechanism")},
        id="a4-list-of-the-hosts-counties",
    ),
    # the committee that has its counties do it owns it with each of them
    pytest.param(
        "安康市政协工作综述",
        "",
        "安康市政协指导汉阴县、石泉县等县区探索建立“院落议事”协商模式。",
        {("安康市", "院落议事", "mechanism"), ("汉阴县", "院落议事", "mechanism"), ("石泉县", "院落议事", "mechanism")},
        id="a4-committee-guides-a-list",
    ),
    # the owners named after the term as the ones who run it
    pytest.param(
        "两地政协联合协商",
        "",
        "“沱江同护”行动由遂宁市、内江市两地政协联合发起。",
        {("遂宁市", "沱江同护", "brand"), ("内江市", "沱江同护", "brand")},
        id="a4-run-by-the-committees-named-after",
    ),
    # negative: visited, compared, named as where attendees come from, another body acting
    pytest.param(
        "安康市政协学习考察",
        "",
        "安康市政协组织委员赴汉阴县、石泉县等地考察学习,大家表示回来后将推出“安康夜话”协商品牌。",
        {("安康市", "安康夜话", "brand")},
        id="a4-visited-list-does-not-act",
    ),
    pytest.param(
        "安康市政协召开会议",
        "",
        "来自汉阴县、石泉县的委员参加了“委员讲堂”活动。",
        {("安康市", "委员讲堂", "brand")},
        id="a4-attendees-list-does-not-act",
    ),
    pytest.param(
        "安康市政协工作",
        "",
        "与汉阴县、石泉县相比,安康市政协率先推出“安康夜话”品牌。",
        {("安康市", "安康夜话", "brand")},
        id="a4-compared-list-does-not-act",
    ),
    pytest.param(
        "安康市政协召开会议",
        "",
        "会议指出,汉阴县、石泉县等地的经验值得学习,市政协将推出“安康夜话”品牌。",
        {("安康市", "安康夜话", "brand")},
        id="a4-cited-list-does-not-act",
    ),
    pytest.param(
        "安康市政协视察",
        "",
        "汉阴县、石泉县等县区政府推行“一窗通办”改革。",
        set(),
        id="a4-governments-listed-do-not-act",
    ),
    pytest.param(
        "安康市政协视察",
        "",
        "县委、县政府高度重视,汉阴县、石泉县等地推行“一窗通办”改革。",
        set(),
        id="a4-list-after-another-body-does-not-act",
    ),
    pytest.param(
        "安康市政协工作",
        "",
        "安康市政协支持汉阴县、石泉县的委员开展“院落夜话”活动。",
        {("安康市", "院落夜话", "brand")},
        id="a4-a-list-of-whose-members-does-not-act",
    ),
    # a list of regions not under the committee that writes does not act for it
    pytest.param(
        "安康市政协学习考察",
        "",
        "安康市政协召开会议,会议通报,延安市、榆林市等地推出“陕北夜话”品牌。",
        set(),
        id="a4-list-outside-the-home-does-not-act",
    ),
]


@pytest.mark.parametrize(("title", "source", "body", "expected"), CASES + CANDIDATES + LISTED_OWNERS)
def test_who_adopts_what(ctx: Context, title: str, source: str, body: str, expected: set[tuple[str, str, str]]) -> None:
    assert adoptions(ctx, title, source, body) == expected


@pytest.mark.parametrize(("title", "source", "body", "region"), NOTHING)
def test_who_does_not_adopt(ctx: Context, title: str, source: str, body: str, region: str) -> None:
    found = adoptions(ctx, title, source, body)
    assert not {r for r, _, _ in found} & ({region} if region else {r for r, _, _ in found})


def test_documents_of_a_chain(ctx: Context) -> None:
    body = "汇川区政协出台了《界别活动规范》。委员工作室依照《委员值班制度》《委员接访办法》运行。"
    assert documents(ctx, "汇川区政协完善制度建设", "", body) == {
        ("汇川区", "界别活动规范"),
        ("汇川区", "委员值班制度"),
        ("汇川区", "委员接访办法"),
    }


def test_a_headline_reporting_an_adoption_is_no_document(ctx: Context) -> None:
    assert documents(ctx, "株洲市政协推行“协商夜话”机制", "", "株洲市政协推行“协商夜话”机制。") == set()


def test_an_agreement_is_each_signatory_committees(ctx: Context) -> None:
    body = "沙坪坝区政协主席与四川省广安市政协主席签署《协同履职合作协议》。会上,区政府与企业签订《项目投资协议》。"
    assert documents(ctx, "两地政协签署合作协议", "", body) == {
        ("沙坪坝区", "协同履职合作协议"),
        ("广安市", "协同履职合作协议"),
    }
