-- analytics.like_for_like: like-for-like (同口径) figures of every division for any two years of
-- its province: each measure of year summed over the units that reported in both year and
-- base_year (counties, bodies above county level, provinces and prefectures compared whole when
-- one year counts their consolidated report), with how many units of each kind reported in both
-- years, in year only and in base_year only. The rates are computed from the like-for-like sums.
-- analytics.region_yoy carries the consecutive years; xxgk compare reads any pair from here.
select
    m.level,
    m.region_code,
    g.name as region_name,
    m.year,
    m.base_year,
    m.measure,
    m.kind,
    m.value,
    c.counted_report_count as report_count,
    c.both_county_count,
    c.year_only_county_count,
    c.base_only_county_count,
    c.both_body_count,
    c.year_only_body_count,
    c.base_only_body_count,
    c.both_whole_count,
    c.year_only_whole_count,
    c.base_only_whole_count,
    c.basis_changed_count
from marts.like_for_like_measures as m
join marts.like_for_like as c
    on c.level = m.level and c.region_code = m.region_code and c.year = m.year and c.base_year = m.base_year
left join main.regions as g
    on g.code = m.region_code
