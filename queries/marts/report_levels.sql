-- marts.report_levels: every report the rollup counts (marts.reports_of_record where counted),
-- once for each level it is summed into: its county, its prefecture, its province. A level's
-- sum of a fact is then a plain group by level and region_code over this join, the same for
-- tables 2, 3 and 4.
select report_id, 'county' as level, region_code, province_code, year, format
from marts.reports_of_record
where counted
union all
select report_id, 'prefecture' as level, prefecture_code as region_code, province_code, year, format
from marts.reports_of_record
where counted
union all
select report_id, 'province' as level, province_code as region_code, province_code, year, format
from marts.reports_of_record
where counted
