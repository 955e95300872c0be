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

// MaxDepartments is the largest number of department reports a county can have.
var MaxDepartments = len(departments)

// Place-name syllables for townships. No character here is 县/区/市/旗 (a county-name suffix
// the region finder looks for) and none changes when converted to traditional and back.
var (
	placeA = []rune("大小东西南北上下前新老双三五七八长黑白青红金银石柳杨榆松桃杏马牛羊鹿龙凤王李张刘胡孙高平太兴永宝福德安清万朝向红六九沙花桑泉")
	placeB = []rune("家平城山河沟岭台庄屯营堡店桥泉湖坨甸窝房峪洼林岗子安兴和丰源集塔寨阳水井坝")
	placeC = []rune("子屯沟营堡岭台河")
)

// Body is one issuing body: a county government, a department, a township or a development
// zone.
type Body struct {
	County regions.Division
	Name   string        // 朝阳县教育局
	Scope  schemas.Scope // area, government, department, township, dev_zone
	Index  int           // position in the county's list (0 = the county government)
	dept   *dept         // departments only
}

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

// bodiesOf returns the bodies of one county, stable for a county and configuration.
func bodiesOf(d regions.Division, seed uint64, nDept, nTown int) []Body {
	rng := newRNG(seed, "bodies", d.Code)
	var out []Body
	gov := Body{County: d, Index: 0}
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
		out = append(out, Body{County: d, Name: d.Name + dp.suffix, Scope: schemas.ScopeDepartment, Index: len(out), dept: dp})
	}
	for _, t := range townships(d, nTown) {
		out = append(out, Body{County: d, Name: t, Scope: schemas.ScopeTownship, Index: len(out)})
	}
	if rng.Float64() < 0.4 {
		z := d.Name + "经济开发区管理委员会"
		switch rng.IntN(4) {
		case 1:
			z = d.Name + "工业开发区管理委员会"
		case 2:
			z = d.Name + "经济开发区管委会"
		}
		out = append(out, Body{County: d, Name: z, Scope: schemas.ScopeDevZone, Index: len(out)})
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
	switch b.Scope {
	case schemas.ScopeArea:
		return "我" + countyWord(b.County)
	case schemas.ScopeGovernment:
		if strings.HasSuffix(b.Name, "办公室") {
			return "我办"
		}
		return pick(rng, "我"+countyWord(b.County)+"政府", countyWord(b.County)+"政府")
	case schemas.ScopeDepartment:
		switch {
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
	}
	return "本机关"
}
