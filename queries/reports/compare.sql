-- reports/compare: two years of one level side by side, per division and measure: values,
-- difference (percentage points for rates), % change (counts), rank in each year (1 = largest
-- among the divisions shown), whether the pair is a break in series (table 2 templates), and how
-- the division was counted each year (basis: area, its consolidated report; bodies, its own
-- bodies and child divisions — a change of basis between the years is worth a look).
-- Parameters: 1 from year, 2 to year, 3 level, 4 division code prefix ('' for all), 5 measures
-- (comma-separated).
with m as (
    select level, region_code, region_name, year, measure, kind, value, basis, formats
    from analytics.region_measures
    where level = $3
      and starts_with(region_code, $4)
      and year in ($1, $2)
      and list_contains(string_split($5, ','), measure)
),
f as (select * from m where year = $1),
t as (select * from m where year = $2),
j as (
    select
        coalesce(t.region_code, f.region_code) as region_code,
        coalesce(t.region_name, f.region_name) as region_name,
        coalesce(t.measure, f.measure) as measure,
        coalesce(t.kind, f.kind) as kind,
        f.value as value_from,
        t.value as value_to,
        f.basis as basis_from,
        t.basis as basis_to,
        coalesce(t.kind, f.kind) = 'table2' and (f.formats is distinct from t.formats or t.formats like '%,%') as series_break
    from f
    full join t
        on t.region_code = f.region_code and t.measure = f.measure
)
select
    region_code,
    region_name,
    measure,
    kind,
    value_from,
    value_to,
    case
        when series_break then null
        when kind = 'rate' then (value_to - value_from) * 100
        else value_to - value_from
    end as delta,
    case
        when series_break or kind = 'rate' then null
        else (value_to - value_from) / nullif(value_from, 0) * 100
    end as pct,
    case when value_from is not null then rank() over (partition by measure, value_from is null order by value_from desc) end as rank_from,
    case when value_to is not null then rank() over (partition by measure, value_to is null order by value_to desc) end as rank_to,
    series_break,
    basis_from,
    basis_to
from j
order by measure, region_code;
