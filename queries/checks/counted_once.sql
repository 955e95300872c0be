-- checks.counted_once: division-years of any level whose own figure counts a consolidated (area)
-- report together with another report of the same division, or more than one area report: a
-- division must be counted once.
select
    level,
    region_code,
    year,
    count(*) filter (where scope = 'area') as area_counted,
    count(*) filter (where scope <> 'area') as others_counted
from marts.reports_of_record
where counted
group by level, region_code, year
having (count(*) filter (where scope = 'area') > 0 and count(*) filter (where scope <> 'area') > 0)
    or count(*) filter (where scope = 'area') > 1;
