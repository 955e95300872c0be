package gen

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"

	"xxgk/schemas"
)

// Prose is the running text of a report; Render puts the section headings and the tables
// around it.
type Prose struct {
	Title string   // printed title line ("" when the report has none)
	Intro []string // paragraphs before 一、总体情况
	// Sections holds the paragraphs of sections 一 to 六 (index 0..5). Sections 二–四 hold at
	// most a sentence before their table.
	Sections  [6][]string
	Signature []string // closing lines: issuing body, date
	// Contact says a paragraph gives the office's contact details (an address in a district of
	// the seat city, a telephone number): text the region is never read from.
	Contact bool
}

// Placeholders in the phrase templates:
//
//	{Y} year reported on   {Y1} the next year   {S} how the body calls itself (我局)
//	{C} the body's division (朝阳县, 沈阳市, 辽宁省)  {W} its word for itself (县/区/市/旗/州/盟/地区/省)
//	{B} body name          {P} the level above (a county's prefecture, a prefecture's province)
//	{N} a small count      {M} a medium count  {L} a large count
//	{R} the stated request count (one sentence only)  {F} the stated fee in yuan
//	{D} 1–28                {O} an ordinal 一二三…
type phrases struct {
	lead        []string // first paragraph of section 一
	proactive   []string
	requests    []string // one of these carries {R}
	reqMore     []string
	management  []string
	platform    []string
	supervision []string
	problems    []string
	improve     []string
	other21     []string // section 六 with the fee ({F})
	otherMore   []string
	otherNone   []string
	intro       []string
	introYear   []string
	openers     []string
	before2     []string
	before3     []string
}

var (
	phOnce sync.Once
	ph     *phrases
)

func defaultPhrases() *phrases {
	phOnce.Do(func() { ph = buildPhrases() })
	return ph
}

func buildPhrases() *phrases {
	p := &phrases{}
	p.lead = []string{
		"{Y}年，{S}坚持以习近平新时代中国特色社会主义思想为指导，[认真|全面|深入]贯彻落实《中华人民共和国政府信息公开条例》（以下简称《条例》）和[上级|省、市]关于政务公开工作的[部署要求|决策部署|工作要求]，[以公开为常态、不公开为例外|坚持以公开为常态、不公开为例外原则]，[持续提升|不断提升|进一步提高]政务公开[质量和实效|工作质效|工作水平]。",
		"{Y}年，在{W}委、{W}政府的[正确领导|坚强领导|高度重视]下，{S}[紧紧围绕|紧扣|聚焦]中心工作，[扎实|全面|稳步]推进决策、执行、管理、服务、结果公开，政府信息公开工作[取得新的进展|取得了明显成效|迈上新台阶]。",
		"{Y}年，{S}严格按照《条例》要求，把政务公开作为建设[法治政府、服务型政府|法治政府和服务型政府|人民满意政府]的重要[抓手|举措|内容]，[不断|持续]完善工作机制，拓展公开渠道，[保障|切实保障|依法保障]人民群众的知情权、参与权、表达权和监督权。",
		"{Y}年，{S}深入贯彻落实党中央、国务院关于全面推进政务公开的决策部署，对照省、市政务公开工作要点，逐项细化任务，压实工作责任，推动政府信息公开工作规范有序开展。",
		"{Y}年以来，{S}围绕优化营商环境、保障和改善民生等重点领域，持续加大政府信息公开力度，主动回应社会关切，政务公开工作水平稳步提升。",
		"{Y}年，{S}高度重视政府信息公开工作，调整充实了政务公开工作领导小组，明确分管领导和专职工作人员，形成了主要领导亲自抓、分管领导具体抓、业务科室协同推进的工作格局。",
		"按照{P}政务公开工作的总体部署，{S}在{Y}年继续把政府信息公开工作纳入重要议事日程，统筹推进主动公开、依申请公开和政务公开平台建设各项工作。",
	}
	p.openers = []string{"", "", "", "一是", "同时，", "此外，", "{Y}年，", "全年", "在此基础上，", "围绕中心工作，", "对照年度工作要点，", "与往年相比，", "按照上级要求，", "为进一步提升工作质量，"}
	p.proactive = []string{
		"{Y}年，{S}通过政府门户网站累计发布各类政府信息{L}条，其中政策文件{M}条、工作动态{L}条、通知公告{M}条。",
		"[全年|{Y}年|本年度]共主动公开政府信息{L}余条，其中通过[政府网站|门户网站|政府门户网站]公开{L}余条，通过[政务新媒体|政务微信、微博|微信公众号等新媒体]公开{L}余条。",
		"{S}围绕重大决策部署、重点项目建设、财政预决算等重点领域，及时公开相关信息{M}条，做到应公开尽公开。",
		"在政策解读方面，坚持政策性文件与解读方案、解读材料同步组织、同步审签、同步部署，全年制作发布文字解读{N}篇、图解{N}篇、视频解读{N}个。",
		"[严格落实|认真执行|严格执行]政府信息公开[审查制度|保密审查制度|发布审核制度]，坚持“先审查、后公开”[和“一事一审”原则|的原则|和“谁公开、谁审查、谁负责”原则]，全年[未发生泄密事件|未发生失泄密问题|没有发生因信息公开引发的泄密事件]。",
		"[及时|定期|动态]更新机构职能、[负责人信息|领导分工|内设机构]、办事指南等基础信息，确保[内容准确、更新及时|信息准确完整|内容权威准确]。",
		"在财政信息方面，[按时|按要求|在规定时限内]公开[部门预算、决算及“三公”经费情况|年度预算、决算和“三公”经费|预决算信息]，[公开率达到100%|做到应公开尽公开|细化到功能分类项级科目]。",
		"围绕乡村振兴、就业创业、社会救助等群众关注的热点问题，发布政策问答{N}期，回应社会关切{M}次。",
		"组织召开新闻发布会{N}场，邀请相关部门负责同志解读政策、回答提问，社会反响良好。",
		"及时公开疫情防控、安全生产、防汛抗旱等领域信息{M}条，引导社会预期，稳定群众情绪。",
		"将行政权力清单和责任清单在政府网站集中公开，共梳理公开权责事项{M}项。",
		"主动公开行政许可、行政处罚等“双公示”信息{L}条，全部在规定时限内上网公开。",
		"对照基层政务公开标准目录，逐项梳理公开事项，共完善公开事项{M}项。",
		"通过政务微信公众号推送信息{M}条，阅读量累计达{L}余次。",
	}
	p.requests = []string{
		"{Y}年，{S}共收到政府信息公开申请{R}件，[均在法定时限内予以答复|全部在法定期限内办结|均依法依规按时答复]。",
		"{Y}年，共收到政府信息公开申请{R}件次，全部按照[法定程序和时限|法定程序|规定时限]办理完毕。",
		"全年{S}共收到政府信息公开申请{R}件，[其中当面申请、网络申请和信函申请均按规定登记办理|申请方式以网络申请和当面申请为主|均按规定登记、审核和答复]。",
		"{Y}年度，{S}共收到政府信息公开申请{R}件，[未出现超期答复的情况|没有出现逾期答复|答复及时率100%]。",
		"据统计，{Y}年{S}共收到政府信息公开申请{R}件，较上年有所变化，申请内容主要集中在征地拆迁、规划建设、社会保障等方面。",
		"{Y}年，{S}依法依规办理依申请公开事项，共收到政府信息公开申请{R}件，[答复率100%|按时答复率100%|均已办结]。",
	}
	p.reqMore = []string{
		"[按照上级要求|根据《条例》规定|结合工作实际]，[制定|完善|修订]了依申请公开工作流程，规范了答复[标准|文书|格式]，建立了“登记—审核—办理—答复—归档”[闭环工作机制|工作流程|全流程管理机制]。",
		"对涉及多个部门的[事项|申请|复杂申请]，[及时会商研究|主动沟通协调|组织相关部门会商]，确保答复内容[准确、依据充分、程序合法|准确规范|合法合规]。",
		"在办理过程中，坚持[依法依规、便民高效|依法、规范、便民|实事求是、依法依规]原则，对申请人提出的疑问[耐心细致地做好解释说明|及时沟通解释|做好释疑解惑工作]。",
		"[进一步规范|统一规范|严格规范]答复文书格式，[统一使用告知书模板|参照国家示范文本制作告知书|规范引用法律条款]，做到[答复告知规范、救济途径明确|答复内容完整、救济途径告知清楚|格式统一、用语规范]。",
		"[加强与法律顾问的沟通|发挥法律顾问作用|邀请公职律师参与]，对[复杂疑难事项|疑难复杂申请|涉法涉诉申请]进行[法律审核|合法性审查|法律把关]，[有效防范法律风险|降低行政复议和诉讼风险|确保答复合法合规]。",
		"建立依申请公开[办理台账|工作台账|登记台账]，实行[一案一档|一事一档|专人管理]，做到[全程留痕、有据可查|过程可追溯、结果可查询|归档及时、资料完整]。",
	}
	p.management = []string{
		"[严格执行|落实|健全]政府信息公开属性源头认定机制，在公文[拟制|起草|办理]环节明确公开属性，从源头上[规范信息公开|把好公开关|提升公开质量]。",
		"定期对已公开的政府信息进行清理，对已失效、废止的文件及时标注，共清理各类信息{M}条。",
		"[规范性文件|行政规范性文件]实行统一登记、统一编号、统一[公布|发布]制度，[保障|确保]文件的合法性和公开的[及时性|规范性]。",
		"[建立健全|完善|落实]政府信息公开保密审查机制，明确审查[程序和责任|主体和流程|责任人]，确保公开的信息不涉及[国家秘密和敏感信息|国家秘密、商业秘密和个人隐私]。",
		"对照基层政务公开标准目录，[动态|及时|按年度]更新政府信息公开[指南和目录|指南|目录]，[方便公众查询|便于群众查阅|提升查询便利度]。",
		"[落实|建立|完善]政府信息管理动态调整机制，对[依申请公开较为集中的信息|申请较多的同类信息|社会关注度高的信息]及时转为主动公开。",
		"加强信息发布[协调|协同|会商]，对涉及其他行政机关的信息，发布前[主动沟通确认|征求相关单位意见|进行沟通确认]，确保发布信息[准确一致|口径统一|权威准确]。",
	}
	p.platform = []string{
		"充分发挥政府网站[第一平台|政务公开第一平台|主渠道]作用，按照法定时限及时发布并[实时|动态]更新法定主动公开内容，使其成为[公众|社会公众|群众]便捷获取政府信息的[权威渠道|重要渠道|主要途径]。",
		"进一步优化政府信息公开专栏，调整栏目设置{N}个，新增专题专栏{N}个，提升了栏目的实用性和可读性。",
		"加强政务新媒体管理，严格落实“三审三校”制度，全年通过政务新媒体发布信息{M}条。",
		"在[政务服务中心|便民服务大厅|档案馆]设立政府信息查阅点，配备[查阅设备|电脑和打印设备|专门工作人员]，为群众[现场查阅提供便利|查询信息提供服务|就近查阅提供条件]。",
		"推进政府网站集约化建设，[完成|推进]网站[适老化和无障碍改造|适老化改造|无障碍改造]，提升网站[服务能力|服务水平|访问体验]。",
		"依托[政务服务网|一体化政务服务平台]推进“一网通办”，办事指南、办理流程、[收费标准|申请材料]等信息[全部在线公开|实现网上可查|同步在线公开]。",
		"坚持线上线下相结合，在村（社区）公开栏张贴公开事项{M}期，打通政务公开“最后一公里”。",
	}
	p.supervision = []string{
		"将政务公开工作纳入[年度绩效考核体系|绩效考核|目标责任考核]，[定期|不定期|每季度]开展[督导检查|监督检查|自查自纠]，确保各项工作[落到实处|落实到位|取得实效]。",
		"组织开展政务公开专题培训{N}次，参训人员{M}人次，进一步提升了工作人员的业务能力。",
		"畅通[社会评议|公众参与|意见反馈]渠道，在政府网站[开设意见征集栏目|设置互动交流栏目|公布监督电话]，主动接受[社会监督|群众监督|社会各界监督]。",
		"建立政务公开工作[月检查、季通报|定期检查、通报|常态化巡查]制度，对发现的问题[及时督促整改|建立台账、限期整改|逐项整改到位]。",
		"[认真落实|严格执行]政务公开工作责任追究制度，全年未发生因政府信息公开工作[不到位|不规范|落实不力]被[责任追究|追责问责|问责]的情况。",
		"开展“5·15政务公开日”主题活动，发放宣传资料{L}余份，接受群众咨询{M}余人次。",
		"邀请[人大代表、政协委员和群众代表|人大代表和政协委员|企业和群众代表]参与政务公开工作[评议|监督|评估]，广泛听取[意见建议|社会意见|各方意见]。",
	}
	p.problems = []string{
		"政策解读的形式还不够丰富，图解、视频等解读方式运用较少",
		"部分信息公开不够及时，未能做到“随生成随公开”",
		"工作人员变动较为频繁，业务能力有待进一步提升",
		"依申请公开办理的规范化水平还有待提高，对《条例》相关条款的理解还不够深入",
		"政务新媒体的互动性不强，回应社会关切的时效性有待加强",
		"基层政务公开标准化规范化建设还需持续推进",
		"公开内容与群众需求的契合度还不够高，部分信息的可读性不强",
		"网站栏目内容更新不够均衡，个别栏目存在更新滞后的问题",
		"政务公开工作力量相对薄弱，兼职人员较多",
		"对公开信息的保密审查还存在薄弱环节",
	}
	p.improve = []string{
		"加强业务培训，邀请上级业务部门进行授课，提高工作人员业务水平",
		"严格落实信息发布时限要求，做到政府信息形成之日起20个工作日内公开",
		"创新政策解读方式，多运用图表图解、音频视频等方式，增强解读的针对性",
		"进一步规范依申请公开办理流程，提升答复质量",
		"加强政府网站和政务新媒体的日常监管，及时更新栏目内容",
		"完善政务公开考核评价机制，强化督促检查，推动工作落实",
		"推进基层政务公开标准化规范化建设，全面梳理完善公开事项",
		"充实政务公开工作力量，保持工作人员相对稳定",
		"强化保密审查，严格落实“三审”制度，确保信息安全",
		"围绕群众关切，加大重点领域信息公开力度",
	}
	p.other21 = []string{
		"{Y}年，{S}收取信息处理费{F}元。",
		"本年度共收取信息处理费{F}元。",
		"依据《政府信息公开信息处理费管理办法》，{Y}年{S}收取信息处理费{F}元。",
		"{S}{Y}年度收取信息处理费{F}元。",
	}
	p.otherMore = []string{
		"{Y}年，{S}共办理人大代表建议{N}件、政协委员提案{N}件，办复率100%，办理结果均按要求公开。",
		"认真落实{Y}年政务公开工作要点，各项任务均已按时完成。",
		"无其他需要报告的事项。",
		"本报告中所列数据的统计期限自{Y}年1月1日起至{Y}年12月31日止。",
	}
	p.otherNone = []string{
		"无其他需要报告的事项。",
		"本年度无其他需要报告的事项。",
		"{S}无其他需要报告的事项。",
		"{Y}年，{S}共办理人大代表建议{N}件、政协委员提案{N}件，办理结果均按要求公开。",
	}
	p.intro = []string{
		"本报告由{B}根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》要求编制。",
		"本报告由{B}根据《中华人民共和国政府信息公开条例》要求，结合本单位工作实际编制。",
		"本报告由{B}依据《中华人民共和国政府信息公开条例》第四十九条和第五十条的规定编制。",
	}
	p.introYear = []string{
		"本报告所列数据的统计期限自{Y}年1月1日起至{Y}年12月31日止。",
		"报告中所列数据的统计期限为{Y}年1月1日至{Y}年12月31日。",
	}
	p.before2 = []string{"", "", "", "", "主动公开政府信息情况如下表：", "{Y}年主动公开政府信息情况统计如下："}
	p.before3 = []string{"", "", "", "", "{Y}年收到和处理申请情况统计如下："}
	return p
}

// expander fills a template's placeholders for one report.
type expander struct {
	rng  *rand.Rand
	b    Body
	year int
	self string
	req  int64
	fee  int64
	buf  strings.Builder
}

func (e *expander) expand(t string) string {
	e.buf.Reset()
	for {
		i := strings.IndexAny(t, "{[")
		if i < 0 {
			e.buf.WriteString(t)
			break
		}
		e.buf.WriteString(t[:i])
		if t[i] == '[' { // [甲|乙|丙]: one of the alternatives
			j := strings.IndexByte(t[i:], ']')
			alts := strings.Split(t[i+1:i+j], "|")
			t = alts[e.rng.IntN(len(alts))] + t[i+j+1:]
			continue
		}
		j := strings.IndexByte(t[i:], '}')
		e.value(t[i+1 : i+j])
		t = t[i+j+1:]
	}
	return e.buf.String()
}

func (e *expander) value(k string) {
	b := &e.buf
	switch k {
	case "Y":
		b.WriteString(strconv.Itoa(e.year))
	case "Y1":
		b.WriteString(strconv.Itoa(e.year + 1))
	case "S":
		b.WriteString(e.self)
	case "C":
		b.WriteString(e.b.Place.Name)
	case "W":
		if e.b.word != "" {
			b.WriteString(e.b.word)
		} else {
			b.WriteString(countyWord(e.b.County))
		}
	case "B":
		b.WriteString(e.b.Name)
	case "P":
		switch e.b.Place.Level {
		case schemas.LevelProvince:
			b.WriteString("国务院办公厅")
		case schemas.LevelPrefecture:
			b.WriteString(e.b.Place.Province)
		default:
			b.WriteString(e.b.County.Prefecture)
		}
	case "N":
		b.WriteString(strconv.Itoa(1 + e.rng.IntN(30)))
	case "M":
		b.WriteString(strconv.Itoa(20 + e.rng.IntN(400)))
	case "L":
		b.WriteString(strconv.Itoa((5 + e.rng.IntN(90)) * 100))
	case "R":
		b.WriteString(strconv.FormatInt(e.req, 10))
	case "F":
		b.WriteString(strconv.FormatInt(e.fee, 10))
	case "D":
		b.WriteString(strconv.Itoa(1 + e.rng.IntN(28)))
	default:
		b.WriteString("{" + k + "}")
	}
}

// pickN returns n distinct templates of a pool, expanded, each with an opener now and then.
func (e *expander) pickN(pool []string, n int, openers []string) string {
	if n > len(pool) {
		n = len(pool)
	}
	idx := e.rng.Perm(len(pool))
	var out strings.Builder
	for _, i := range idx {
		if n == 0 {
			break
		}
		s := pool[i]
		if !e.fits(s) {
			continue
		}
		n--
		if openers != nil && e.rng.IntN(3) == 0 {
			if o := openers[e.rng.IntN(len(openers))]; o != "" && !strings.HasPrefix(s, "{Y}") {
				s = o + s
			}
		}
		out.WriteString(e.expand(s))
	}
	return out.String()
}

// fits says whether a template suits the report's year: no epidemic control outside
// 2020–2022.
func (e *expander) fits(t string) bool {
	return !strings.Contains(t, "疫情") || (e.year >= 2020 && e.year <= 2022)
}

var ordinals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// numbered joins items as 一是…；二是…。
func numbered(items []string) string {
	var b strings.Builder
	for i, it := range items {
		b.WriteString(ordinals[i] + "是" + it)
		if i < len(items)-1 {
			b.WriteString("；")
		} else {
			b.WriteString("。")
		}
	}
	return b.String()
}

// publishing sentences name the body in the first sentence (statedSentence).
var publishing = []string{
	"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现公布{B}{Y}年政府信息公开工作年度报告。",
	"根据《条例》第五十条规定，现将{B}{Y}年度政府信息公开工作年度报告公布如下。",
	"按照《中华人民共和国政府信息公开条例》要求，现向社会公布{B}{Y}年政府信息公开工作年度报告。",
	"依据《中华人民共和国政府信息公开条例》规定，现将{Y}年度{B}政府信息公开工作年度报告予以公布。",
}

// compiling sentences start with the body and say it compiled the report (statedCompiles).
var compiling = []string{
	"{B}根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》要求编制本报告。",
	"{B}依据《中华人民共和国政府信息公开条例》第四十九条、第五十条规定，编制了{Y}年度政府信息公开工作年度报告。",
}

// prose writes the running text of report r, the body stated as st says, with the contact
// paragraph (if any) in the intro or at the end of section 六.
func (p *phrases) prose(rng *rand.Rand, b Body, r *schemas.Report, st stated, contact string) Prose {
	e := &expander{rng: rng, b: b, year: r.Year, self: selfWord(b, rng)}
	for _, st := range r.Statements {
		switch st.Measure {
		case schemas.StatedRequests:
			e.req = st.Value.Int()
		case schemas.StatedFees:
			e.fee = st.Value.Int()
		}
	}
	titled := st == statedTitle
	named := st != statedNone // the text may name the body
	var pr Prose
	if titled {
		pr.Title = r.Title
	}
	// intro: always when there is no title (it gives the year, and names the body as st says)
	if !titled || rng.IntN(3) > 0 {
		var in strings.Builder
		switch st {
		case statedSentence:
			in.WriteString(e.expand(publishing[rng.IntN(len(publishing))]))
			if b.Scope == schemas.ScopeArea && rng.IntN(2) == 0 {
				in.WriteString(e.expand("本报告由全{W}各级行政机关的年度报告汇总编制。"))
			}
		case statedCompiles:
			in.WriteString(e.expand(compiling[rng.IntN(len(compiling))]))
		case statedCompiled:
			in.WriteString(e.expand(p.intro[rng.IntN(len(p.intro))]))
		case statedSignature, statedNone:
			if rng.IntN(2) == 0 {
				in.WriteString(pick(rng, "本报告根据《中华人民共和国政府信息公开条例》要求编制。",
					"根据《中华人民共和国政府信息公开条例》规定，特编制本年度报告。"))
			}
		default: // titled
			if b.Scope == schemas.ScopeArea {
				in.WriteString(e.expand(pick(rng,
					"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现公布{C}{Y}年政府信息公开工作年度报告。本报告由全{W}各级行政机关的年度报告汇总编制。",
					"本报告根据《中华人民共和国政府信息公开条例》要求编制，涵盖全{W}各乡镇（街道）和{W}直各部门政府信息公开工作情况。",
					"按照《中华人民共和国政府信息公开条例》的规定，{C}汇总全{W}各行政机关政府信息公开工作情况，编制本年度报告。")))
			} else {
				in.WriteString(e.expand(p.intro[rng.IntN(len(p.intro))]))
			}
		}
		if rng.IntN(7) == 0 {
			in.WriteString("全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项等六个部分。")
		}
		if !titled || rng.IntN(3) > 0 {
			in.WriteString(e.expand(p.introYear[rng.IntN(len(p.introYear))]))
		}
		if rng.IntN(2) == 0 {
			web := []string{"本报告电子版可在“{C}人民政府”门户网站查阅或下载。", "本报告电子版可在{C}人民政府网站政府信息公开专栏查阅。"}
			if named {
				web = append(web, "如对本报告有疑问，请与{B}联系。")
			}
			in.WriteString(e.expand(web[rng.IntN(len(web))]))
		}
		if in.Len() > 0 {
			pr.Intro = append(pr.Intro, in.String())
		}
	}
	contactInIntro := contact != "" && len(pr.Intro) > 0 && rng.IntN(2) == 0
	if contactInIntro {
		pr.Intro = append(pr.Intro, contact)
	}
	pr.Contact = contact != ""

	// 一、总体情况
	s1 := []string{e.expand(p.lead[rng.IntN(len(p.lead))])}
	subs := []struct {
		heads []string
		pool  []string
		n     int
	}{
		{[]string{"主动公开情况", "主动公开"}, p.proactive, 2 + rng.IntN(3)},
		{[]string{"依申请公开情况", "依申请公开"}, nil, 0},
		{[]string{"政府信息管理情况", "政府信息管理"}, p.management, 1 + rng.IntN(3)},
		{[]string{"政府信息公开平台建设情况", "平台建设情况", "政务公开平台建设"}, p.platform, 1 + rng.IntN(3)},
		{[]string{"监督保障情况", "监督保障"}, p.supervision, 1 + rng.IntN(3)},
	}
	for i, sub := range subs {
		head := "（" + ordinals[i] + "）" + sub.heads[rng.IntN(len(sub.heads))]
		var body string
		if sub.pool == nil {
			body = e.expand(p.requests[rng.IntN(len(p.requests))]) + e.pickN(p.reqMore, 1+rng.IntN(3), nil)
		} else {
			body = e.pickN(sub.pool, sub.n, p.openers)
		}
		if rng.IntN(5) == 0 {
			s1 = append(s1, head+body) // heading run into the paragraph
		} else {
			s1 = append(s1, head, body)
		}
	}
	pr.Sections[0] = s1
	if t := e.expand(p.before2[rng.IntN(len(p.before2))]); t != "" {
		pr.Sections[1] = []string{t}
	}
	if t := e.expand(p.before3[rng.IntN(len(p.before3))]); t != "" {
		pr.Sections[2] = []string{t}
	}

	// 五、存在的主要问题及改进情况
	np := 2 + rng.IntN(3)
	probs := make([]string, 0, np)
	for _, i := range rng.Perm(len(p.problems))[:np] {
		probs = append(probs, p.problems[i])
	}
	imps := make([]string, 0, np)
	for _, i := range rng.Perm(len(p.improve))[:np] {
		imps = append(imps, p.improve[i])
	}
	pr.Sections[4] = []string{
		"（一）存在的主要问题", e.expand(pick(rng, "{Y}年，{S}政府信息公开工作虽然取得了一定成效，但仍存在一些不足：", "对照上级要求和群众期盼，工作中还存在一些问题：", "")) + numbered(probs),
		"（二）改进情况", e.expand(pick(rng, "针对上述问题，{Y1}年{S}将重点做好以下工作：", "下一步，{S}将采取以下措施加以改进：", "{Y1}年，{S}将从以下几个方面加以改进：")) + numbered(imps),
	}

	// 六、其他需要报告的事项
	var s6 []string
	if r.Fee.State == schemas.StateNumber {
		s6 = append(s6, e.expand(p.other21[rng.IntN(len(p.other21))]))
		if rng.IntN(3) == 0 {
			s6 = append(s6, e.expand(p.otherMore[rng.IntN(len(p.otherMore))]))
		}
	} else {
		s6 = append(s6, e.expand(p.otherNone[rng.IntN(len(p.otherNone))]))
	}
	if contact != "" && !contactInIntro {
		s6 = append(s6, contact)
	}
	pr.Sections[5] = s6
	month, day := 1+rng.IntN(3), 1+rng.IntN(28)
	date := strconv.Itoa(r.Year+1) + "年" + strconv.Itoa(month) + "月" + strconv.Itoa(day) + "日"
	if rng.IntN(10) == 0 {
		date = chineseDate(r.Year+1, month, day)
	}
	switch sign := rng.IntN(2) == 0; {
	case st == statedNone:
		if sign {
			pr.Signature = []string{date} // a date, no name
		}
	case st == statedSignature || sign:
		if rng.IntN(6) == 0 {
			pr.Signature = []string{b.Name + " " + date}
		} else {
			pr.Signature = []string{b.Name, date}
		}
	}
	return pr
}

// chineseDate writes a date in Chinese numerals: 二〇二四年一月二十日.
func chineseDate(y, m, d int) string {
	const digits = "〇一二三四五六七八九"
	dr := []rune(digits)
	var b strings.Builder
	for _, c := range strconv.Itoa(y) {
		b.WriteRune(dr[c-'0'])
	}
	small := func(n int) string {
		switch {
		case n < 10:
			return string(dr[n])
		case n == 10:
			return "十"
		case n < 20:
			return "十" + string(dr[n-10])
		case n%10 == 0:
			return string(dr[n/10]) + "十"
		}
		return string(dr[n/10]) + "十" + string(dr[n%10])
	}
	return b.String() + "年" + small(m) + "月" + small(d) + "日"
}

// roads are street names for contact addresses; none holds a county's name or 县/区/市/旗.
var roads = []string{"人民路", "解放路", "中山路", "建设大街", "和平路", "北京路", "新华路", "青年大街", "文化路", "胜利路",
	"友谊路", "长江路", "黄河路", "北一马路", "十一纬路", "政通路"}

// contact draws (for half the reports) the paragraph with the office's contact details. A
// provincial body's address is in a district of its province's seat (沈阳市和平区…), a
// prefecture body's in a district of its own city (a city without districts: the city), a
// county body's in its county. A report that names no body gives only the address.
func (g *generator) contact(rng *rand.Rand, b Body, st stated) string {
	if rng.IntN(2) == 0 {
		return ""
	}
	addr := g.address(rng, b)
	post := strconv.Itoa(100000 + rng.IntN(800000))
	tel := "0" + strconv.Itoa(10+rng.IntN(900)) + "-" + strconv.Itoa(20000000+rng.IntN(70000000))
	if st == statedNone || rng.IntN(2) == 0 {
		return "联系地址：" + addr + "；邮政编码：" + post + "；联系电话：" + tel + "。"
	}
	return "如对本报告有疑问，请与" + b.Name + "联系（地址：" + addr + "，邮编：" + post + "，电话：" + tel + "）。"
}

// address is a street address of the body's office (see contact).
func (g *generator) address(rng *rand.Rand, b Body) string {
	reg := g.cfg.Registry
	road := roads[rng.IntN(len(roads))] + strconv.Itoa(1+rng.IntN(300)) + "号"
	seat := b.Place
	switch b.Place.Level {
	case schemas.LevelCounty:
		return b.County.Name + road
	case schemas.LevelProvince:
		if p, ok := reg.Place(b.Place.Code + "01"); ok {
			seat = p // the province's capital: its first prefecture
		}
	}
	for _, d := range reg.Under(seat.Code) {
		if strings.HasSuffix(d.Name, "区") {
			return seat.Name + d.Name + road // a district of the seat city
		}
	}
	return seat.Name + road
}
