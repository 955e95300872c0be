-- 0004 报告发布机关的层级 / the level of each report's issuing body.
-- 省级机关（省政府、省直部门）的区划为省（2位），地级机关为地级（4位），县级机关及其下的乡镇街道、园区为县（6位）：
-- region_code 是发布机关所在层级的区划代码，level 说明是哪一级。已有的报告按代码位数补填。
-- A provincial body's region is its province (2 digits), a prefecture body's its prefecture (4), a county body's and
-- everything under it its county (6): region_code is the division at the body's own level, level names the level.
-- Existing reports are filled in from the length of their code.

alter table reports add column level varchar;
comment on column reports.level is '发布机关层级：province 省级、prefecture 地级、county 县级（乡镇街道、园区属县级）；未确定为空 / level of the issuing body: province, prefecture, county (townships and zones are county level); NULL when unknown';
comment on column reports.region_code is '发布机关所在层级的区划代码：省2位、地级4位、县级6位（未确定为空）/ division code at the body''s level: 2 digits province, 4 prefecture, 6 county (NULL when unresolved)';
comment on column reports.scope is '范围：area 全省/全市/全县汇总、government、department、township、dev_zone、other / whom the report speaks for';

update reports
set level = case length(region_code) when 2 then 'province' when 4 then 'prefecture' when 6 then 'county' end
where level is null and region_code is not null;
