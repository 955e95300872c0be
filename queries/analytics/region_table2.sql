-- analytics.region_table2: the official table 2 (主动公开政府信息情况) summed per level,
-- division, year, template, item and measure over the reports the rollup counts
-- (marts.report_levels: each division once, the same basis as analytics.region_years). The two
-- templates print different items and measures, so each is summed on its own: a region-year
-- whose counted reports mix gb2019 and gb2021 has one table per template.
select
    level,
    region_code,
    province_code,
    year,
    format,
    item,
    measure,
    value,
    report_count
from marts.table2_region_years
order by region_code, year, format, item, measure;
