-- marts.table2_region_years: table 2 summed over the counted reports, per level, division,
-- year, template, item and measure (grouping sets). The two templates print different items
-- and measures, so each is summed on its own; measures keep their template's meaning (only the
-- series of staging.table2 compare across formats). Materialised when the models are applied;
-- analytics.region_table2 shows it, marts.region_measures sums it over the templates.
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
);
