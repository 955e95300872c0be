-- reports/compare: two years of one level side by side, per division and measure: values,
-- difference (percentage points for rates), % change (counts), rank in each year (1 = largest
-- among the divisions shown), whether the pair is a break in series (table 2 templates), and how
-- the division was counted each year (basis: area, its consolidated report; bodies, its own
-- bodies and child divisions — a change of basis between the years is worth a look). Each
-- comes in two forms: all the reports of each year (value_*, delta, pct) and like for like
-- (同口径, lfl_*: over the units that reported in both years, analytics.like_for_like), with the
-- counts of units in both years (lfl_*_count), in the later year only (new_*) and in the earlier
-- only (gone_*).
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
lf as (
    select level, region_code, year, measure, value, both_county_count, year_only_county_count, base_only_county_count,
        both_body_count, year_only_body_count, base_only_body_count, both_whole_count, year_only_whole_count,
        base_only_whole_count, basis_changed_count
    from analytics.like_for_like
    where level = $3
      and starts_with(region_code, $4)
      and ((year = $1 and base_year = $2) or (year = $2 and base_year = $1))
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
),
jl as (
    select
        j.*,
        lf_from.value as lfl_from,
        lf_to.value as lfl_to,
        coalesce(lf_to.both_county_count, lf_from.both_county_count) as lfl_county_count,
        coalesce(lf_to.year_only_county_count, lf_from.base_only_county_count) as new_county_count,
        coalesce(lf_to.base_only_county_count, lf_from.year_only_county_count) as gone_county_count,
        coalesce(lf_to.both_body_count, lf_from.both_body_count) as lfl_body_count,
        coalesce(lf_to.year_only_body_count, lf_from.base_only_body_count) as new_body_count,
        coalesce(lf_to.base_only_body_count, lf_from.year_only_body_count) as gone_body_count,
        coalesce(lf_to.both_whole_count, lf_from.both_whole_count) as lfl_whole_count,
        coalesce(lf_to.year_only_whole_count, lf_from.base_only_whole_count) as new_whole_count,
        coalesce(lf_to.base_only_whole_count, lf_from.year_only_whole_count) as gone_whole_count,
        coalesce(lf_to.basis_changed_count, lf_from.basis_changed_count) as basis_changed_count
    from j
    left join lf as lf_from
        on lf_from.region_code = j.region_code and lf_from.measure = j.measure and lf_from.year = $1
    left join lf as lf_to
        on lf_to.region_code = j.region_code and lf_to.measure = j.measure and lf_to.year = $2
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
    basis_to,
    lfl_from,
    lfl_to,
    case
        when series_break then null
        when kind = 'rate' then (lfl_to - lfl_from) * 100
        else lfl_to - lfl_from
    end as lfl_delta,
    case
        when series_break or kind = 'rate' then null
        else (lfl_to - lfl_from) / nullif(lfl_from, 0) * 100
    end as lfl_pct,
    lfl_county_count,
    new_county_count,
    gone_county_count,
    lfl_body_count,
    new_body_count,
    gone_body_count,
    lfl_whole_count,
    new_whole_count,
    gone_whole_count,
    basis_changed_count
from jl
order by measure, region_code;
