select count(*) from providers;
select p.ods_code, p.name, p.nation, p.synthetic, m.role, m.valid_from, m.valid_to, m.verified,
       n.code, n.name as network_name
from (select * from providers order by ods_code limit 50) p
left join network_memberships m on m.provider_ods = p.ods_code
left join networks n on n.code = m.network_code
order by p.ods_code, m.id;
