-- marts.region_yoy: year-over-year change of every measure, per level and division, in two forms:
-- all the reports of each year (value, value_prev), and like for like (同口径: lfl_value,
-- lfl_value_prev — over the units that reported in both years, marts.like_for_like_units:
-- counties, bodies above county level, divisions compared whole), with how many units of each
-- kind reported in both years, this year only (new_*) and the year before only (gone_*). The
-- difference and % change for counts, the difference in percentage points for rates. Table 2
-- measures whose template differs between the two years (or mixes templates) are a break in
-- series: marked, never compared (in either form). The comparable table 2 series are the counts
-- issued_count and *_decisions_count (gb2019 本年新制作数量 = gb2021 本年制发件数). basis and
-- basis_prev say how the division was counted each year (a change from its consolidated report to
-- its bodies is worth a look). Materialised when the models are applied.
with cur as (
    select level, region_code, region_name, year, basis, formats, measure, kind, value
    from marts.region_measures
),
paired as (
    select
        c.level,
        c.region_code,
        c.region_name,
        c.year,
        c.measure,
        c.kind,
        c.value,
        p.value as value_prev,
        c.formats,
        p.formats as formats_prev,
        c.basis,
        p.basis as basis_prev,
        c.kind = 'table2' and (p.formats is distinct from c.formats or c.formats like '%,%') as series_break
    from cur as c
    left join cur as p
        on p.level = c.level and p.region_code = c.region_code and p.measure = c.measure and p.year = c.year - 1
),
lfl as (
    select level, region_code, year, base_year, measure, value
    from marts.like_for_like_measures
    where base_year = year - 1 or base_year = year + 1
),
cov as (
    select *
    from marts.like_for_like
    where base_year = year - 1
),
both_years as (
    select
        x.*,
        lc.value as lfl_value,
        lp.value as lfl_value_prev
    from paired as x
    left join lfl as lc
        on lc.level = x.level and lc.region_code = x.region_code and lc.measure = x.measure and lc.year = x.year
        and lc.base_year = x.year - 1
    left join lfl as lp
        on lp.level = x.level and lp.region_code = x.region_code and lp.measure = x.measure and lp.year = x.year - 1
        and lp.base_year = x.year
)
select
    both_years.level,
    both_years.region_code,
    region_name,
    both_years.year,
    measure,
    kind,
    value,
    value_prev,
    case
        when series_break then null
        when kind = 'rate' then (value - value_prev) * 100
        else value - value_prev
    end as value_yoy_delta,
    case
        when series_break or kind = 'rate' then null
        else (value - value_prev) / nullif(value_prev, 0) * 100
    end as value_yoy_pct,
    series_break,
    formats,
    formats_prev,
    basis,
    basis_prev,
    lfl_value,
    lfl_value_prev,
    case
        when series_break then null
        when kind = 'rate' then (lfl_value - lfl_value_prev) * 100
        else lfl_value - lfl_value_prev
    end as lfl_yoy_delta,
    case
        when series_break or kind = 'rate' then null
        else (lfl_value - lfl_value_prev) / nullif(lfl_value_prev, 0) * 100
    end as lfl_yoy_pct,
    v.counted_report_count as lfl_report_count,
    v.both_county_count as lfl_county_count,
    v.year_only_county_count as new_county_count,
    v.base_only_county_count as gone_county_count,
    v.both_body_count as lfl_body_count,
    v.year_only_body_count as new_body_count,
    v.base_only_body_count as gone_body_count,
    v.both_whole_count as lfl_whole_count,
    v.year_only_whole_count as new_whole_count,
    v.base_only_whole_count as gone_whole_count,
    v.basis_changed_count
from both_years
left join cov as v
    on v.level = both_years.level and v.region_code = both_years.region_code and v.year = both_years.year;
