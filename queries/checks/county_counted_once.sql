-- checks.county_counted_once: county-years whose rollup counts a consolidated (area) report
-- together with another report, or more than one area report: a county must be counted once.
select
    region_code,
    year,
    count(*) filter (where scope = 'area') as area_counted,
    count(*) filter (where scope <> 'area') as others_counted
from marts.reports_of_record
where counted
group by region_code, year
having (count(*) filter (where scope = 'area') > 0 and count(*) filter (where scope <> 'area') > 0)
    or count(*) filter (where scope = 'area') > 1;
