-- analytics.region_table4: the official table 4 (行政复议、行政诉讼) summed per level, division,
-- year and group over the reports the rollup counts (marts.reports_of_record: a county once,
-- the same basis as analytics.region_years), with the five outcomes.
with counted as (
    select report_id, region_code, prefecture_code, province_code, year
    from marts.reports_of_record
    where counted
)
select
    case
        when grouping(c.region_code) = 0 then 'county'
        when grouping(c.prefecture_code) = 0 then 'prefecture'
        else 'province'
    end as level,
    case
        when grouping(c.region_code) = 0 then c.region_code
        when grouping(c.prefecture_code) = 0 then c.prefecture_code
        else c.province_code
    end as region_code,
    c.province_code,
    c.year,
    f.group_key,
    sum(f.upheld)::bigint as upheld,
    sum(f.corrected)::bigint as corrected,
    sum(f.other)::bigint as other,
    sum(f.pending)::bigint as pending,
    sum(f.total)::bigint as total,
    count(*) as report_count
from staging.table4 as f
join counted as c
    on c.report_id = f.report_id
group by grouping sets (
    (c.province_code, c.prefecture_code, c.region_code, c.year, f.group_key),
    (c.province_code, c.prefecture_code, c.year, f.group_key),
    (c.province_code, c.year, f.group_key)
)
order by region_code, year, group_key;
