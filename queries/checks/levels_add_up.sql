-- checks.levels_add_up: the province rollup equals the sum of its prefectures and of its
-- counties, for the counts behind every rate.
with counties as (
    select province_code, year, sum(requests_count) as requests_count, sum(handled_count) as handled_count,
        sum(review_count) as review_count, sum(litigation_count) as litigation_count
    from analytics.county_years
    group by province_code, year
),
prefectures as (
    select province_code, year, sum(requests_count) as requests_count, sum(handled_count) as handled_count,
        sum(review_count) as review_count, sum(litigation_count) as litigation_count
    from analytics.prefecture_years
    group by province_code, year
)
select p.province_code, p.year, p.requests_count, c.requests_count as county_requests_count,
    f.requests_count as prefecture_requests_count
from analytics.province_years as p
left join counties as c on c.province_code = p.province_code and c.year = p.year
left join prefectures as f on f.province_code = p.province_code and f.year = p.year
where p.requests_count is distinct from c.requests_count
   or p.requests_count is distinct from f.requests_count
   or p.handled_count is distinct from c.handled_count
   or p.handled_count is distinct from f.handled_count
   or p.review_count is distinct from c.review_count
   or p.litigation_count is distinct from f.litigation_count;
