-- analytics.region_table4: the official table 4 (行政复议、行政诉讼) summed per level, division,
-- year and group over the reports the rollup counts (marts.report_levels: each division
-- once, the same basis as analytics.region_years), with the five outcomes.
select
    c.level,
    c.region_code,
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
join marts.report_levels as c
    on c.report_id = f.report_id
group by c.level, c.region_code, c.province_code, c.year, f.group_key
order by region_code, year, group_key;
