-- marts.region_yoy: year-over-year change of every measure, per level and division: the
-- difference and % change for counts, the difference in percentage points for rates. Table 2
-- measures whose template differs between the two years (or mixes templates) are a break in
-- series: marked, never compared. The comparable table 2 series are the counts issued_count and
-- *_decisions_count (gb2019 本年新制作数量 = gb2021 本年制发件数). basis and basis_prev say how the
-- division was counted each year (a change from its consolidated report to its bodies is worth a
-- look). Materialised when the models are applied.
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
)
select
    level,
    region_code,
    region_name,
    year,
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
    basis_prev
from paired;
