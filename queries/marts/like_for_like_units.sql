-- marts.like_for_like_units: the units a like-for-like (同口径) comparison of two years is made
-- of, for every division and ordered pair of years of its province (year, base_year): the
-- division's figure of year over the units that reported in both years is the like-for-like
-- figure (marts.like_for_like). The units follow the counted-once rule (marts.report_levels):
--   * a county is one unit, whatever it was counted from (its consolidated report one year and
--     its bodies the next is still the county reporting in both years: basis and basis_base say
--     how, and marts.like_for_like counts the changes);
--   * a prefecture or province counted from its consolidated (area) report in either year of
--     the pair is one unit, compared whole (the area report stands for everything below it, so
--     no finer unit exists in that year);
--   * otherwise a prefecture or province is its own bodies (each a unit, the same body by name in
--     both years) and its child divisions' units, recursively.
-- A unit reported in a year when it has a figure with tables then (a counted report). unit_kind
-- is county, body (a body above county level) or whole (a division above county level compared
-- whole). Materialised when the models are applied.
with divisions as (
    select
        d.level,
        d.region_code,
        d.prefecture_code,
        d.province_code,
        d.year,
        d.has_area,
        r.basis,
        r.counted_report_count > 0 as present
    from marts.division_years as d
    join marts.region_years as r
        on r.level = d.level and r.region_code = d.region_code and r.year = d.year
),
years as (
    select distinct province_code, year
    from divisions
),
pairs as (
    select a.province_code, a.year, b.year as base_year
    from years as a
    join years as b
        on b.province_code = a.province_code and b.year <> a.year
),
-- the divisions above county level compared whole in a pair: an area report in either year
whole as (
    select distinct p.province_code, p.year, p.base_year, d.level, d.region_code
    from pairs as p
    join divisions as d
        on d.province_code = p.province_code and d.year in (p.year, p.base_year)
    where d.has_area and d.level <> 'county'
),
units as (
    -- every division with a figure
    select
        level as unit_level,
        region_code as unit_code,
        '' as unit_body,
        prefecture_code,
        province_code,
        year,
        basis
    from divisions
    where present
    union all
    -- the bodies of provinces and prefectures counted in their own division's figure
    select
        l.level,
        l.region_code,
        r.body,
        case when l.level = 'prefecture' then l.region_code end,
        l.province_code,
        l.year,
        'body'
    from marts.report_levels as l
    join marts.reports_of_record as r
        on r.report_id = l.report_id
    where l.part = 'own' and l.level in ('prefecture', 'province')
),
paired as (
    select
        p.province_code,
        p.year,
        p.base_year,
        u.unit_level,
        u.unit_code,
        u.unit_body,
        any_value(u.prefecture_code) as prefecture_code,
        bool_or(u.year = p.year) as in_year,
        bool_or(u.year = p.base_year) as in_base,
        any_value(u.basis) filter (where u.year = p.year) as basis,
        any_value(u.basis) filter (where u.year = p.base_year) as basis_base
    from pairs as p
    join units as u
        on u.province_code = p.province_code and u.year in (p.year, p.base_year)
    group by p.province_code, p.year, p.base_year, u.unit_level, u.unit_code, u.unit_body
),
flagged as (
    select
        x.*,
        wp.region_code is not null as prefecture_whole,
        wv.region_code is not null as province_whole,
        case
            when x.unit_body <> '' then 'body'
            when x.unit_level = 'county' then 'county'
            else 'whole'
        end as unit_kind
    from paired as x
    left join whole as wp
        on wp.province_code = x.province_code and wp.year = x.year and wp.base_year = x.base_year
        and wp.level = 'prefecture' and wp.region_code = x.prefecture_code
    left join whole as wv
        on wv.province_code = x.province_code and wv.year = x.year and wv.base_year = x.base_year
        and wv.level = 'province' and wv.region_code = x.province_code
),
rooted as (
    -- a county: itself
    select 'county' as level, unit_code as region_code, *
    from flagged
    where unit_level = 'county' and unit_body = ''
    union all
    -- a prefecture: itself when compared whole, else its bodies and its counties
    select 'prefecture', prefecture_code, *
    from flagged
    where prefecture_code is not null
      and unit_level in ('county', 'prefecture')
      and case
            when prefecture_whole then unit_level = 'prefecture' and unit_body = ''
            else not (unit_level = 'prefecture' and unit_body = '')
          end
    union all
    -- a province: itself when compared whole, else its bodies and each prefecture's units
    select 'province', province_code, *
    from flagged
    where case
            when province_whole then unit_level = 'province' and unit_body = ''
            when unit_level = 'province' then unit_body <> ''
            when prefecture_whole then unit_level = 'prefecture' and unit_body = ''
            else not (unit_level = 'prefecture' and unit_body = '')
          end
)
select
    level,
    region_code,
    province_code,
    year,
    base_year,
    unit_kind,
    unit_level,
    unit_code,
    unit_body,
    in_year,
    in_base,
    basis,
    basis_base
from rooted
