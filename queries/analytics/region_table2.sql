-- analytics.region_table2: the official table 2 (主动公开政府信息情况) summed per level,
-- division, year, template, item and measure over the reports the rollup counts
-- (marts.reports_of_record: a county once, the same basis as analytics.region_years). The two
-- templates print different items and measures, so each is summed on its own: a region-year
-- whose counted reports mix gb2019 and gb2021 has one table per template.
with counted as (
    select report_id, region_code, prefecture_code, province_code, year, format
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
    c.format,
    t.item,
    t.measure,
    sum(t.value) as value,
    count(t.value) as report_count
from staging.table2 as t
join counted as c
    on c.report_id = t.report_id
group by grouping sets (
    (c.province_code, c.prefecture_code, c.region_code, c.year, c.format, t.item, t.measure),
    (c.province_code, c.prefecture_code, c.year, c.format, t.item, t.measure),
    (c.province_code, c.year, c.format, t.item, t.measure)
)
order by region_code, year, format, item, measure;
