-- marts.table2_region_years: table 2 summed over the counted reports, per level, division,
-- year, template, item and measure (marts.report_levels). The two templates print different items
-- and measures, so each is summed on its own; measures keep their template's meaning (only the
-- series of staging.table2 compare across formats). Materialised when the models are applied;
-- analytics.region_table2 shows it, marts.region_measures sums it over the templates.
select
    c.level,
    c.region_code,
    c.province_code,
    c.year,
    c.format,
    t.item,
    t.measure,
    sum(t.value) as value,
    count(t.value) as report_count
from staging.table2 as t
join marts.report_levels as c
    on c.report_id = t.report_id
group by c.level, c.region_code, c.province_code, c.year, c.format, t.item, t.measure;
