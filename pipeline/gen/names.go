package gen

import (
	"math/rand/v2"
	"strings"

	"xxgk/pipeline/regions"
	"xxgk/schemas"
)

// dept is a county department: the name after the county's name, and how busy it is with
// requests (relative to a county government) and with licences, penalties and fees.
type dept struct {
	suffix   string  // 教育局
	requests float64 // request level relative to the county government
	licences float64 // table 2 licensing/penalty volume relative to the county
}

// departments in the order a county's department reports are generated (the first N are used).
// The busiest in requests (自然资源、住建、人社、公安) come first, as in real corpora.
var departments = []dept{
	{"教育局", 0.10, 0.05},
	{"公安局", 0.18, 0.40},
	{"自然资源局", 0.45, 0.20},
	{"人力资源和社会保障局", 0.20, 0.15},
	{"住房和城乡建设局", 0.35, 0.25},
	{"卫生健康局", 0.08, 0.20},
	{"市场监督管理局", 0.12, 0.90},
	{"生态环境分局", 0.10, 0.15},
	{"发展和改革局", 0.08, 0.05},
	{"财政局", 0.07, 0.02},
	{"民政局", 0.06, 0.05},
	{"司法局", 0.04, 0.02},
	{"交通运输局", 0.09, 0.35},
	{"水利局", 0.05, 0.10},
	{"农业农村局", 0.12, 0.20},
	{"商务局", 0.03, 0.05},
	{"文化旅游和广播电视局", 0.03, 0.10},
	{"应急管理局", 0.04, 0.15},
	{"审计局", 0.02, 0.00},
	{"统计局", 0.02, 0.02},
	{"退役军人事务局", 0.03, 0.00},
	{"医疗保障局", 0.05, 0.05},
	{"林业和草原局", 0.05, 0.10},
	{"城市管理综合行政执法局", 0.08, 0.30},
	{"营商环境建设局", 0.04, 0.60},
	{"信访局", 0.03, 0.00},
	{"科学技术局", 0.01, 0.01},
	{"工业和信息化局", 0.03, 0.03},
	{"乡村振兴局", 0.02, 0.01},
	{"粮食和物资储备局", 0.01, 0.01},
	{"档案馆", 0.01, 0.00},
	{"地方志办公室", 0.01, 0.00},
	{"机关事务服务中心", 0.01, 0.00},
	{"住房公积金管理中心", 0.02, 0.02},
	{"体育事业发展中心", 0.01, 0.01},
	{"人民防空办公室", 0.01, 0.02},
	{"气象局", 0.01, 0.01},
	{"供销合作社联合社", 0.01, 0.00},
	{"残疾人联合会", 0.01, 0.00},
	{"妇女联合会", 0.00, 0.00},
}

// provDepartments are a province's departments (after the province's name), busiest first;
// requests are relative to a county government, before the province's weight.
var provDepartments = []dept{
	{"自然资源厅", 0.50, 0.20},
	{"公安厅", 0.30, 0.30},
	{"住房和城乡建设厅", 0.35, 0.25},
	{"人力资源和社会保障厅", 0.25, 0.15},
	{"教育厅", 0.15, 0.05},
	{"生态环境厅", 0.15, 0.20},
	{"交通运输厅", 0.12, 0.30},
	{"市场监督管理局", 0.15, 0.60},
	{"卫生健康委员会", 0.12, 0.20},
	{"发展和改革委员会", 0.10, 0.05},
	{"财政厅", 0.08, 0.02},
	{"民政厅", 0.06, 0.05},
	{"司法厅", 0.05, 0.02},
	{"水利厅", 0.06, 0.10},
	{"农业农村厅", 0.10, 0.15},
	{"商务厅", 0.04, 0.05},
	{"文化和旅游厅", 0.04, 0.08},
	{"应急管理厅", 0.05, 0.15},
	{"审计厅", 0.02, 0.00},
	{"统计局", 0.02, 0.01},
	{"退役军人事务厅", 0.04, 0.00},
	{"医疗保障局", 0.06, 0.05},
	{"林业和草原局", 0.05, 0.10},
	{"工业和信息化厅", 0.04, 0.03},
	{"科学技术厅", 0.02, 0.01},
	{"人民政府国有资产监督管理委员会", 0.03, 0.01},
	{"民族和宗教事务委员会", 0.01, 0.00},
	{"广播电视局", 0.01, 0.02},
	{"体育局", 0.01, 0.01},
	{"信访局", 0.03, 0.00},
	{"药品监督管理局", 0.03, 0.20},
	{"粮食和物资储备局", 0.01, 0.01},
	{"地方金融监督管理局", 0.02, 0.02},
	{"乡村振兴局", 0.02, 0.01},
	{"机关事务管理局", 0.01, 0.00},
	{"人民政府外事办公室", 0.01, 0.00},
	{"地震局", 0.01, 0.00},
	{"气象局", 0.01, 0.01},
	{"档案馆", 0.01, 0.00},
	{"通信管理局", 0.02, 0.02},
}

// prefDepartments are a prefecture's departments (after its name), busiest first.
var prefDepartments = []dept{
	{"自然资源局", 0.50, 0.20},
	{"公安局", 0.25, 0.40},
	{"住房和城乡建设局", 0.40, 0.25},
	{"人力资源和社会保障局", 0.22, 0.15},
	{"教育局", 0.12, 0.05},
	{"市场监督管理局", 0.15, 0.90},
	{"生态环境局", 0.12, 0.15},
	{"卫生健康委员会", 0.10, 0.20},
	{"交通运输局", 0.10, 0.35},
	{"发展和改革委员会", 0.08, 0.05},
	{"财政局", 0.07, 0.02},
	{"民政局", 0.06, 0.05},
	{"司法局", 0.04, 0.02},
	{"水务局", 0.05, 0.10},
	{"农业农村局", 0.10, 0.20},
	{"商务局", 0.03, 0.05},
	{"城市管理综合行政执法局", 0.10, 0.30},
	{"应急管理局", 0.04, 0.15},
	{"文化旅游和广播电视局", 0.03, 0.10},
	{"医疗保障局", 0.05, 0.05},
	{"退役军人事务局", 0.03, 0.00},
	{"审计局", 0.02, 0.00},
	{"统计局", 0.02, 0.02},
	{"人民政府国有资产监督管理委员会", 0.03, 0.01},
	{"营商环境建设局", 0.04, 0.60},
	{"信访局", 0.03, 0.00},
	{"工业和信息化局", 0.03, 0.03},
	{"科学技术局", 0.01, 0.01},
	{"住房公积金管理中心", 0.03, 0.02},
	{"机关事务服务中心", 0.01, 0.00},
}

// others are the public institutions and companies that publish a report (scope other), after
// a province's or prefecture's name.
var (
	provOthers = []string{"疾病预防控制中心", "人民医院", "水利水电勘测设计研究院"}
	prefOthers = []string{"中心医院", "疾病预防控制中心", "水务集团有限公司"}
)

// MaxDepartments is the largest number of department reports a county can have;
// MaxProvinceDepartments and MaxPrefectureDepartments those of a province and a prefecture.
var (
	MaxDepartments           = len(departments)
	MaxProvinceDepartments   = len(provDepartments)
	MaxPrefectureDepartments = len(prefDepartments)
)

// Place-name syllables for townships. No character here is 县/区/市/旗 (a county-name suffix
// the region finder looks for) and none changes when converted to traditional and back.
var (
	placeA = []rune("大小东西南北上下前新老双三五七八长黑白青红金银石柳杨榆松桃杏马牛羊鹿龙凤王李张刘胡孙高平太兴永宝福德安清万朝向红六九沙花桑泉")
	placeB = []rune("家平城山河沟岭台庄屯营堡店桥泉湖坨甸窝房峪洼林岗子安兴和丰源集塔寨阳水井坝")
	placeC = []rune("子屯沟营堡岭台河")
)

// Body is one issuing body: a province's government office, departments and other bodies; a
// prefecture's government, office, departments and other bodies; a county's government,
// departments, townships and development zone; or a province's or prefecture's consolidated
// report (scope area).
type Body struct {
	// County is the body's county for a county-level body; for a provincial or prefecture body
	// it carries the division's code and names (the keys of its random draws and its path).
	County regions.Division
	Place  regions.Place // the body's own division, at its level
	Name   string        // 朝阳县教育局, 辽宁省公安厅, 沈阳市人民政府办公室
	Scope  schemas.Scope // area, government, department, township, dev_zone, other
	Index  int           // position in the division's list (0 = its government or consolidated report)
	dept   *dept         // departments only
	weight float64       // request level relative to a county body (0: 1)
	// word is how the body's division calls itself: 县, 区, 市, 旗, 省, 州, 盟, 地区.
	word string
}

// Level is the body's level.
func (b Body) Level() schemas.Level { return b.Place.Level }

// Short returns the name without the county's name in front ("教育局", "柳城街道办事处").
func (b Body) Short() string { return strings.TrimPrefix(b.Name, b.County.Name) }

// countyWord is the one-character word a county uses for itself: 县, 区, 市 or 旗.
func countyWord(d regions.Division) string {
	r := []rune(d.Name)
	switch last := r[len(r)-1]; last {
	case '区', '市', '旗':
		return string(last)
	}
	return "县"
}

// divWord is the word a province or prefecture uses for itself: 省 (a municipality: 市,
// an autonomous region: 区), 市, 州, 盟, 地区.
func divWord(name string, level schemas.Level) string {
	switch {
	case strings.HasSuffix(name, "自治区"):
		return "区"
	case strings.HasSuffix(name, "地区"):
		return "地区"
	case strings.HasSuffix(name, "州"):
		return "州"
	case strings.HasSuffix(name, "盟"):
		return "盟"
	case strings.HasSuffix(name, "市"):
		return "市"
	}
	if level == schemas.LevelProvince {
		return "省"
	}
	return "市"
}

// keyDivision is the Division an upper-level body carries as its keys (see Body.County).
func keyDivision(p regions.Place) regions.Division {
	return regions.Division{Code: p.Code, Name: p.Name, PrefectureCode: p.PrefectureCode, Prefecture: p.Prefecture,
		ProvinceCode: p.ProvinceCode, Province: p.Province}
}

// provinceBodies returns a province's own bodies: its consolidated report (area), the
// government office, nDept departments and its other bodies. A municipality's departments
// are 局 and 委员会, not 厅.
func provinceBodies(p regions.Place, seed uint64, nDept int) []Body {
	rng := newRNG(seed, "bodies", p.Code)
	key := keyDivision(p)
	word := divWord(p.Name, schemas.LevelProvince)
	const weight = 8
	mk := func(name string, scope schemas.Scope) Body {
		return Body{County: key, Place: p, Name: name, Scope: scope, weight: weight, word: word}
	}
	out := []Body{mk(p.Name, schemas.ScopeArea), mk(p.Name+"人民政府办公厅", schemas.ScopeGovernment)}
	nDept = min(nDept, len(provDepartments))
	for i := range nDept {
		dp := &provDepartments[i]
		suffix := dp.suffix
		if word == "市" {
			suffix = strings.Replace(suffix, "厅", "局", 1)
		}
		b := mk(p.Name+suffix, schemas.ScopeDepartment)
		b.dept = dp
		out = append(out, b)
	}
	for _, o := range provOthers[:1+rng.IntN(len(provOthers))] {
		b := mk(p.Name+o, schemas.ScopeOther)
		b.weight = 1
		out = append(out, b)
	}
	for i := range out {
		out[i].Index = i
	}
	return out
}

// prefectureBodies returns a prefecture's own bodies: its consolidated report, its government
// (half of them) and its office (行政公署 for a 地区 or 盟), nDept departments and now and then
// another body. An autonomous prefecture's departments use its short name (楚雄州教育局) when
// short is set for it.
func prefectureBodies(p regions.Place, seed uint64, nDept int) []Body {
	rng := newRNG(seed, "bodies", p.Code)
	key := keyDivision(p)
	word := divWord(p.Name, schemas.LevelPrefecture)
	const weight = 3
	mk := func(name string, scope schemas.Scope) Body {
		return Body{County: key, Place: p, Name: name, Scope: scope, weight: weight, word: word}
	}
	name := p.Name
	if s := regions.AutonomousShort(name); s != "" && rng.IntN(2) == 0 {
		name = s
	}
	gov := "人民政府"
	if word == "地区" || word == "盟" {
		gov = "行政公署"
	}
	out := []Body{mk(p.Name, schemas.ScopeArea)}
	if rng.IntN(2) == 0 {
		out = append(out, mk(p.Name+gov, schemas.ScopeGovernment))
	}
	out = append(out, mk(p.Name+gov+"办公室", schemas.ScopeGovernment))
	nDept = min(nDept, len(prefDepartments))
	for i := range nDept {
		dp := &prefDepartments[i]
		b := mk(name+dp.suffix, schemas.ScopeDepartment)
		b.dept = dp
		out = append(out, b)
	}
	if rng.IntN(5) < 2 {
		b := mk(name+prefOthers[rng.IntN(len(prefOthers))], schemas.ScopeOther)
		b.weight = 0.5
		out = append(out, b)
	}
	for i := range out {
		out[i].Index = i
	}
	return out
}

// bodiesOf returns the bodies of one county, stable for a county and configuration. The one
// county-level entry of a prefecture without districts (东莞市 441900) has only its towns and
// streets: its government and departments are the prefecture's.
func bodiesOf(d regions.Division, seed uint64, nDept, nTown int, sole bool) []Body {
	rng := newRNG(seed, "bodies", d.Code)
	place := d.Place()
	word := countyWord(d)
	var out []Body
	if !sole {
		gov := Body{County: d, Place: place, Index: 0, word: word}
		switch x := rng.Float64(); {
		case x < 0.45:
			gov.Name, gov.Scope = d.Name, schemas.ScopeArea
		case x < 0.85:
			gov.Name, gov.Scope = d.Name+"人民政府", schemas.ScopeGovernment
		default:
			gov.Name, gov.Scope = d.Name+"人民政府办公室", schemas.ScopeGovernment
		}
		out = append(out, gov)
		if nDept > len(departments) {
			nDept = len(departments)
		}
		for i := 0; i < nDept; i++ {
			dp := &departments[i]
			out = append(out, Body{County: d, Place: place, Name: d.Name + dp.suffix, Scope: schemas.ScopeDepartment,
				Index: len(out), dept: dp, word: word})
		}
	}
	for _, t := range townships(d, nTown) {
		out = append(out, Body{County: d, Place: place, Name: t, Scope: schemas.ScopeTownship, Index: len(out), word: word})
	}
	if !sole && rng.Float64() < 0.4 {
		z := d.Name + "经济开发区管理委员会"
		switch rng.IntN(4) {
		case 1:
			z = d.Name + "工业开发区管理委员会"
		case 2:
			z = d.Name + "经济开发区管委会"
		}
		out = append(out, Body{County: d, Place: place, Name: z, Scope: schemas.ScopeDevZone, Index: len(out), word: word})
	}
	return out
}

// townships invents n township bodies for a county, stable for its code: 镇 and 乡 governments
// (人民政府) and 街道 offices (办事处); districts have more 街道.
func townships(d regions.Division, n int) []string {
	if n <= 0 {
		return nil
	}
	rng := newRNG(0, "townships", d.Code)
	street := 0.2
	switch countyWord(d) {
	case "区":
		street = 0.7
	case "市":
		street = 0.35
	}
	seen := map[string]bool{}
	out := make([]string, 0, n)
	for tries := 0; len(out) < n && tries < n*50; tries++ {
		name := string(placeA[rng.IntN(len(placeA))]) + string(placeB[rng.IntN(len(placeB))])
		if rng.IntN(4) == 0 {
			name += string(placeC[rng.IntN(len(placeC))])
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		switch x := rng.Float64(); {
		case x < street:
			out = append(out, name+"街道办事处")
		case x < street+(1-street)*0.65:
			out = append(out, name+"镇人民政府")
		case x < street+(1-street)*0.97:
			out = append(out, name+"乡人民政府")
		default:
			out = append(out, name+"满族乡人民政府")
		}
	}
	return out
}

// selfWord is how a body refers to itself in its prose.
func selfWord(b Body, rng *rand.Rand) string {
	w := b.word
	if w == "" {
		w = countyWord(b.County)
	}
	switch b.Scope {
	case schemas.ScopeArea:
		return "我" + w
	case schemas.ScopeGovernment:
		if strings.HasSuffix(b.Name, "办公室") || strings.HasSuffix(b.Name, "办公厅") {
			return "我办"
		}
		return pick(rng, "我"+w+"政府", w+"政府")
	case schemas.ScopeDepartment:
		switch {
		case strings.HasSuffix(b.Name, "厅"):
			return "我厅"
		case strings.HasSuffix(b.Name, "局"):
			return "我局"
		case strings.HasSuffix(b.Name, "办公室"):
			return "我办"
		case strings.HasSuffix(b.Name, "中心"):
			return "我中心"
		case strings.HasSuffix(b.Name, "馆"):
			return "我馆"
		case strings.HasSuffix(b.Name, "社"):
			return "我社"
		case strings.HasSuffix(b.Name, "委员会"):
			return "我委"
		}
		return "我会"
	case schemas.ScopeTownship:
		switch {
		case strings.HasSuffix(b.Name, "街道办事处"):
			return "我街道"
		case strings.Contains(b.Name, "镇"):
			return "我镇"
		}
		return "我乡"
	case schemas.ScopeDevZone:
		return pick(rng, "我委", "开发区管委会")
	case schemas.ScopeOther:
		switch {
		case strings.HasSuffix(b.Name, "医院"):
			return "我院"
		case strings.HasSuffix(b.Name, "中心"):
			return "我中心"
		case strings.HasSuffix(b.Name, "公司"):
			return "我公司"
		}
		return "我单位"
	}
	return "本机关"
}
